import { parseBundleName } from '@skills/schemas';
import type { BundleSnapshot } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

/**
 * Loads a bundle and checks that the actor may manage it: an owner, an owner of its scope, or an
 * admin. Ownership is read from the store on every call; no process keeps a copy.
 * @throws RegistryError NOT_FOUND, FORBIDDEN.
 */
export async function requireOwner({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; actor: Actor };
}): Promise<BundleSnapshot> {
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const { actor } = input;
  if (actor.admin || snapshot.owners.includes(actor.username)) return snapshot;
  const scope = parseBundleName(input.name)?.scope;
  if (scope && (await deps.store.getScopeOwners(scope)).includes(actor.username)) return snapshot;
  throw new RegistryError('FORBIDDEN', `you are not an owner of ${input.name}`);
}
