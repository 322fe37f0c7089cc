import type { VersionDocument } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { getVersionDocument } from './get-version-document.ts';
import { requireOwner } from './require-owner.ts';

/**
 * Sets a version's deprecation message; an empty message un-deprecates.
 * @throws RegistryError NOT_FOUND, FORBIDDEN, BAD_REQUEST (message over 1024 characters).
 */
export async function deprecateVersion({
  deps,
  input,
}: {
  deps: Deps;
  input: {
    name: string;
    version: string;
    message: string;
    origin: string;
    actor: Actor;
    request: RequestInfo;
  };
}): Promise<VersionDocument> {
  const message = input.message.trim();
  if (message.length > 1024) throw new RegistryError('BAD_REQUEST', 'message: at most 1024 characters');
  await requireOwner({ deps, input });
  const done = await deps.store.setDeprecated(
    { name: input.name, version: input.version, message: message || null },
    auditContext(input.actor.username, input.request, deps.now()),
  );
  if (!done) throw new RegistryError('NOT_FOUND', `no version ${input.version} of ${input.name}`);
  return getVersionDocument({ deps, input });
}
