import { foldName, parseBundleName } from '@skills/schemas';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/caller.ts';
import { publishRefusalError } from './publish-refusal.ts';

/**
 * The checks of a publish that need only the path's NAME, the declared version and the caller,
 * run before a byte of the body is read (docs/security.md row 18), in this order:
 * 1. the bundle exists and the actor is not an owner, a scope owner or an admin → FORBIDDEN;
 * 2. a new name equal to an existing one after folding → NAME_CONFUSABLE;
 * 3. a new name in a scope owned by others → FORBIDDEN;
 * 4. `version` given and NAME@version ever published → VERSION_EXISTS.
 * The store's claim runs every check again inside its transaction: this is the early, cheap
 * refusal, not the authority.
 * @throws RegistryError FORBIDDEN, NAME_CONFUSABLE, VERSION_EXISTS.
 */
export async function checkPublishRights({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; version?: string; actor: Actor };
}): Promise<void> {
  const { name, version, actor } = input;
  const scope = parseBundleName(name)?.scope;
  const scopeOwners = scope === undefined ? [] : await deps.store.getScopeOwners(scope);
  const inScope = actor.admin || scopeOwners.includes(actor.username);
  const owners = await deps.store.listOwners(name);
  if (owners.length > 0) {
    if (!inScope && !owners.includes(actor.username))
      throw publishRefusalError({ refused: 'NOT_OWNER' }, name, version ?? '');
  } else {
    const twin = await deps.store.findFolded(foldName(name));
    if (twin) throw publishRefusalError({ refused: 'NAME_CONFUSABLE', existing: twin }, name, version ?? '');
    if (scope !== undefined && !inScope && scopeOwners.length > 0)
      throw publishRefusalError({ refused: 'SCOPE_OWNED', scope }, name, version ?? '');
  }
  if (version !== undefined && (await deps.store.wasPublished(name, version)))
    throw publishRefusalError({ refused: 'VERSION_EXISTS' }, name, version);
}
