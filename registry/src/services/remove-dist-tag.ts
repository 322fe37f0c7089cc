import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { requireOwner } from './require-owner.ts';

/**
 * Removes a dist-tag.
 * @throws RegistryError BAD_REQUEST for `latest`, NOT_FOUND, FORBIDDEN.
 */
export async function removeDistTag({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; tag: string; actor: Actor; request: RequestInfo };
}): Promise<Record<string, string>> {
  if (input.tag === 'latest')
    throw new RegistryError('BAD_REQUEST', 'the latest tag cannot be removed; point it elsewhere');
  await requireOwner({ deps, input });
  const outcome = await deps.store.removeDistTag(
    { name: input.name, tag: input.tag },
    auditContext(input.actor.username, input.request, deps.now()),
  );
  if ('refused' in outcome) throw new RegistryError('NOT_FOUND', `${input.name} has no tag ${input.tag}`);
  return (await deps.store.getBundle(input.name))?.distTags ?? {};
}
