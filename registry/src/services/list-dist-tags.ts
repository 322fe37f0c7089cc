import type { Deps } from '../deps.ts';
import { RegistryError } from '../errors.ts';

/**
 * A bundle's dist-tags, `{TAG: VERSION}`.
 * @throws RegistryError NOT_FOUND.
 */
export async function listDistTags({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string };
}): Promise<Record<string, string>> {
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  return snapshot.distTags;
}
