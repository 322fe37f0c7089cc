import { foldName, parseBundleName } from '@skills/schemas';
import { and, desc, eq, gte } from 'drizzle-orm';
import { withinOneEdit } from '../../domain/levenshtein.ts';
import { scopeClaimRefusal } from '../../domain/look-alike.ts';
import type { Q, Tables } from '../dialect.ts';
import type { PublishClaim, PublishRefusal } from '../store.ts';

/** How many popular bundles a new name is compared with for the close-name flag. */
const CLOSE_NAME_CANDIDATES = 1000;

/**
 * Every rule a publish must pass, read inside the caller's write: the version was never
 * published; an existing bundle is the actor's (directly, through its scope, or as admin); a new
 * name is not confusable with an existing one, not in a scope someone else owns, and not in a
 * new scope that looks like a claimed one (`scopeClaimRefusal`).
 */
export async function checkPublish(
  q: Q,
  t: Tables,
  claim: PublishClaim,
): Promise<PublishRefusal | undefined> {
  const { name, version, actor } = claim;
  const { bundles, owners, publishedVersions } = t;
  const ever = await q
    .select({ version: publishedVersions.version })
    .from(publishedVersions)
    .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)));
  if (ever.length > 0) return { refused: 'VERSION_EXISTS' };
  const scope = parseBundleName(name)?.scope;
  const inScope = scope !== undefined && (await scopeOwners(q, t, scope)).includes(actor.username);
  if (await bundleExists(q, t, name)) {
    const isOwner = await q
      .select({ username: owners.username })
      .from(owners)
      .where(and(eq(owners.name, name), eq(owners.username, actor.username)));
    if (isOwner.length === 0 && !inScope && !actor.admin) return { refused: 'NOT_OWNER' };
    return undefined;
  }
  const [existing] = await q
    .select({ name: bundles.name })
    .from(bundles)
    .where(eq(bundles.folded, foldName(name)));
  if (existing) return { refused: 'NAME_CONFUSABLE', existing: existing.name };
  if (scope === undefined || inScope || actor.admin) return undefined;
  if ((await scopeOwners(q, t, scope)).length > 0) return { refused: 'SCOPE_OWNED', scope };
  const claimed = await q.selectDistinct({ scope: t.scopes.scope }).from(t.scopes);
  return scopeClaimRefusal(
    scope,
    claimed.map((r) => r.scope),
  );
}

export async function bundleExists(q: Q, { bundles }: Tables, name: string): Promise<boolean> {
  return (await q.select({ id: bundles.id }).from(bundles).where(eq(bundles.name, name))).length > 0;
}

/** The owners of `scope`, in no particular order. */
export async function scopeOwners(q: Q, { scopes }: Tables, scope: string): Promise<string[]> {
  const rows = await q.select({ username: scopes.username }).from(scopes).where(eq(scopes.scope, scope));
  return rows.map((r) => r.username);
}

/** A popular bundle (by downloads) whose folded name is one edit from `name`'s, if any. */
export async function findCloseName(
  q: Q,
  { bundles }: Tables,
  input: { name: string; popularDownloads: number },
): Promise<string | null> {
  const folded = foldName(input.name);
  const popular = await q
    .select({ name: bundles.name, folded: bundles.folded })
    .from(bundles)
    .where(gte(bundles.downloads, input.popularDownloads))
    .orderBy(desc(bundles.downloads))
    .limit(CLOSE_NAME_CANDIDATES);
  return popular.find((p) => withinOneEdit(folded, p.folded))?.name ?? null;
}
