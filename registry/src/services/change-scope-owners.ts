import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

/**
 * Adds or removes an owner of a scope (`@scope`). Scope owners may publish new bundles in the
 * scope and manage every bundle in it. Only scope owners and admins may change the list.
 * @throws RegistryError NOT_FOUND (unclaimed scope or unknown user), FORBIDDEN, CONFLICT (last owner).
 */
export async function changeScopeOwners({
  deps,
  input,
}: {
  deps: Deps;
  input: { scope: string; username: string; add: boolean; actor: Actor; request: RequestInfo };
}): Promise<string[]> {
  const current = await deps.store.getScopeOwners(input.scope);
  if (current.length === 0)
    throw new RegistryError('NOT_FOUND', `nobody has published in @${input.scope} yet`);
  if (!input.actor.admin && !current.includes(input.actor.username)) {
    throw new RegistryError('FORBIDDEN', `you are not an owner of @${input.scope}`);
  }
  const audit = auditContext(input.actor.username, input.request, deps.now());
  const change = { scope: input.scope, username: input.username };
  const outcome = input.add
    ? await deps.store.addScopeOwner(change, audit)
    : await deps.store.removeScopeOwner(change, audit);
  if ('ok' in outcome) return outcome.owners;
  if (outcome.refused === 'LAST_OWNER')
    throw new RegistryError('CONFLICT', `@${input.scope} must keep at least one owner`);
  throw new RegistryError(
    'NOT_FOUND',
    input.add ? `no user named ${input.username}` : `${input.username} is not an owner`,
  );
}
