import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * The usernames that own a scope (`acme`, without `@`).
 * @throws RegistryError NOT_FOUND while nobody has published in it.
 */
export async function listScopeOwners({
  deps,
  input,
}: {
  deps: Deps;
  input: { scope: string };
}): Promise<string[]> {
  const owners = await deps.store.getScopeOwners(input.scope);
  if (owners.length === 0)
    throw new RegistryError('NOT_FOUND', `nobody has published in @${input.scope} yet`);
  return owners;
}
