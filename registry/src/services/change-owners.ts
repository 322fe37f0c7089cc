import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { requireOwner } from './require-owner.ts';

/**
 * Adds or removes an owner of a bundle; the result is the new owner list.
 * @throws RegistryError NOT_FOUND (bundle or user), FORBIDDEN, CONFLICT (would leave no owner).
 */
export async function changeOwners({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; username: string; add: boolean; actor: Actor; request: RequestInfo };
}): Promise<string[]> {
  await requireOwner({ deps, input });
  const audit = auditContext(input.actor.username, input.request, deps.now());
  const change = { name: input.name, username: input.username };
  const outcome = input.add
    ? await deps.store.addOwner(change, audit)
    : await deps.store.removeOwner(change, audit);
  if ('ok' in outcome) return outcome.owners;
  if (outcome.refused === 'LAST_OWNER')
    throw new RegistryError('CONFLICT', `${input.name} must keep at least one owner`);
  if (outcome.refused === 'NO_USER') {
    throw new RegistryError(
      'NOT_FOUND',
      input.add ? `no user named ${input.username}` : `${input.username} is not an owner`,
    );
  }
  throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
}
