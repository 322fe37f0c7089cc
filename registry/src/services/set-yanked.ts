import type { VersionDocument } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { getVersionDocument } from './get-version-document.ts';
import { requireOwner } from './require-owner.ts';

/**
 * Yanks or unyanks a version. A yanked version stays downloadable (lockfiles pin it) but is never
 * picked for a new resolution; yanking `latest` moves it to the next highest version. The
 * version number stays used for ever either way.
 * @throws RegistryError NOT_FOUND, FORBIDDEN.
 */
export async function setYanked({
  deps,
  input,
}: {
  deps: Deps;
  input: {
    name: string;
    version: string;
    yanked: boolean;
    origin: string;
    actor: Actor;
    request: RequestInfo;
  };
}): Promise<VersionDocument> {
  await requireOwner({ deps, input });
  const done = await deps.store.setYanked(
    { name: input.name, version: input.version, yanked: input.yanked },
    auditContext(input.actor.username, input.request, deps.now()),
  );
  if (!done) throw new RegistryError('NOT_FOUND', `no version ${input.version} of ${input.name}`);
  return getVersionDocument({ deps, input });
}
