import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * The usernames that own a bundle.
 * @throws RegistryError NOT_FOUND.
 */
export async function listOwners({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string };
}): Promise<string[]> {
  const owners = await deps.store.listOwners(input.name);
  if (owners.length === 0) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  return owners;
}
