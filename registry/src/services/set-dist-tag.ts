import { distTagSchema, semverSchema } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { requireOwner } from './require-owner.ts';

/**
 * Points a dist-tag at a version. Setting `latest` by hand pins it (docs/http-api.md).
 * @throws RegistryError BAD_REQUEST, NOT_FOUND, FORBIDDEN, CONFLICT (yanked version).
 */
export async function setDistTag({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; tag: string; version: string; actor: Actor; request: RequestInfo };
}): Promise<Record<string, string>> {
  const { name, tag, version } = input;
  const t = distTagSchema.safeParse(tag);
  if (!t.success) throw new RegistryError('BAD_REQUEST', `tag: ${t.error.issues[0]?.message}`);
  if (!semverSchema.safeParse(version).success)
    throw new RegistryError('BAD_REQUEST', 'version: not a semantic version');
  await requireOwner({ deps, input });
  const at = deps.now();
  const outcome = await deps.store.setDistTag(
    { name, tag, version },
    auditContext(input.actor.username, input.request, at),
  );
  if ('refused' in outcome) {
    if (outcome.refused === 'YANKED') throw new RegistryError('CONFLICT', `${name}@${version} is yanked`);
    throw new RegistryError('NOT_FOUND', `no version ${version} of ${name}`);
  }
  return (await deps.store.getBundle(name))?.distTags ?? {};
}
