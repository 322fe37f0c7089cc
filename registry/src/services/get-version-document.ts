import type { VersionDocument } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { renderVersion } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';

/**
 * One version's document.
 * @throws RegistryError NOT_FOUND.
 */
export async function getVersionDocument({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; version: string; origin: string };
}): Promise<VersionDocument> {
  const v = await deps.store.getVersion(input.name, input.version);
  if (!v) throw new RegistryError('NOT_FOUND', `no version ${input.version} of ${input.name}`);
  return renderVersion(v, input.origin);
}
