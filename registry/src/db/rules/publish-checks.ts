import { foldName, parseBundleName } from '@skills/schemas';
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { withinOneEdit } from '../../domain/levenshtein.ts';
import { scopeClaimRefusal } from '../../domain/look-alike.ts';
import type { Q, Tables } from '../dialect.ts';
import type { PublishClaim, PublishRefusal } from '../store.ts';
import { oncePer, prepared } from './prepared.ts';
import type { BundleState } from './sync-bundle.ts';

/** How many popular bundles a new name is compared with for the close-name flag. */
const CLOSE_NAME_CANDIDATES = 1000;

/** What the checks found when they pass: the bundle as `syncBundle` needs it, undefined for a new one. */
export interface PublishAllowed {
  bundle: BundleState | undefined;
}

/**
 * Every rule a publish must pass, read inside the caller's write: the version was never
 * published; an existing bundle is the actor's (directly, through its scope, or as admin); a new
 * name is not confusable with an existing one, not in a scope someone else owns, and not in a
 * new scope that looks like a claimed one (`scopeClaimRefusal`). For an existing bundle (the
 * common case) the bundle with its `latest` tag, the actor's owner row and the version's
 * publish record are read in one query (plus the scope's owners for a scoped name).
 */
export async function checkPublish(
  q: Q,
  t: Tables,
  claim: PublishClaim,
): Promise<PublishRefusal | PublishAllowed> {
  const { name, version, actor } = claim;
  const { bundles, publishedVersions } = t;
  const scope = parseBundleName(name)?.scope;
  const inScope = scope !== undefined && (await scopeOwners(q, t, scope)).includes(actor.username);
  const [bundle] = await bundleForPublish(t)(q, { name, version, username: actor.username });
  if (bundle) {
    if (bundle.published !== null) return { refused: 'VERSION_EXISTS' };
    if (bundle.owner === null && !inScope && !actor.admin) return { refused: 'NOT_OWNER' };
    return { bundle: { id: bundle.id, pinned: bundle.pinned, latest: bundle.latest } };
  }
  // Publish records outlive their versions (and need no bundle row): asked apart for a new name.
  const ever = await q
    .select({ version: publishedVersions.version })
    .from(publishedVersions)
    .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)));
  if (ever.length > 0) return { refused: 'VERSION_EXISTS' };
  const [existing] = await q
    .select({ name: bundles.name })
    .from(bundles)
    .where(eq(bundles.folded, foldName(name)));
  if (existing) return { refused: 'NAME_CONFUSABLE', existing: existing.name };
  const created = { bundle: undefined };
  if (scope === undefined || inScope || actor.admin) return created;
  if ((await scopeOwners(q, t, scope)).length > 0) return { refused: 'SCOPE_OWNED', scope };
  const claimed = await q.selectDistinct({ scope: t.scopes.scope }).from(t.scopes);
  return (
    scopeClaimRefusal(
      scope,
      claimed.map((r) => r.scope),
    ) ?? created
  );
}

/** The bundle with its `latest` tag, the actor's owner row and the version's publish record. */
const bundleForPublish = oncePer((t: Tables) => bundleRead(t));

function bundleRead({ bundles, owners, publishedVersions, distTags }: Tables) {
  return prepared((q) =>
    q
      .select({
        id: bundles.id,
        pinned: bundles.latestPinned,
        latest: distTags.version,
        owner: owners.username,
        published: publishedVersions.version,
      })
      .from(bundles)
      .leftJoin(owners, and(eq(owners.name, bundles.name), eq(owners.username, sql.placeholder('username'))))
      .leftJoin(
        publishedVersions,
        and(
          eq(publishedVersions.name, bundles.name),
          eq(publishedVersions.version, sql.placeholder('version')),
        ),
      )
      .leftJoin(distTags, and(eq(distTags.name, bundles.name), eq(distTags.tag, 'latest')))
      .where(eq(bundles.name, sql.placeholder('name')))
      .prepare('publish_bundle_check'),
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
