import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

/**
 * Revokes one of the caller's tokens, and every token minted with it; they stop working at once,
 * in every process. Revoking is a write: it needs a publish token or the password, except that
 * any token may revoke itself (log out).
 * @throws RegistryError FORBIDDEN for a read token revoking another token, NOT_FOUND when the
 * caller has no such live token.
 */
export async function revokeToken({
  deps,
  input,
}: {
  deps: Deps;
  input: { actor: Actor; id: string; request: RequestInfo };
}): Promise<void> {
  const { actor, id } = input;
  if (actor.scope !== 'publish' && actor.tokenId !== id) {
    throw new RegistryError(
      'FORBIDDEN',
      'this token has the read scope; revoking another token needs a publish token or the password',
    );
  }
  const at = deps.now();
  const done = await deps.store.revokeToken(
    { username: actor.username, id },
    auditContext(actor.username, input.request, at),
  );
  if (!done) throw new RegistryError('NOT_FOUND', 'no such token');
}
