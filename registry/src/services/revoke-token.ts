import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

/**
 * Revokes one of the caller's tokens; it stops working at once, in every process.
 * @throws RegistryError NOT_FOUND when the caller has no such live token.
 */
export async function revokeToken({
  deps,
  input,
}: {
  deps: Deps;
  input: { actor: Actor; id: string; request: RequestInfo };
}): Promise<void> {
  const at = deps.now();
  const done = await deps.store.revokeToken(
    { username: input.actor.username, id: input.id },
    auditContext(input.actor.username, input.request, at),
  );
  if (!done) throw new RegistryError('NOT_FOUND', 'no such token');
}
