import { and, eq, sql } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Q } from './connection.ts';
import { bundles, distTags, search, versions } from './schema.ts';

/**
 * Inside a transaction: points `latest` where docs/http-api.md says (unless pinned), copies the
 * latest version's description, category and keywords onto the bundle, rewrites its search row
 * and bumps its revision. The twin of `../sqlite/sync-bundle.ts`.
 */
export async function syncBundle(q: Q, name: string, at: string): Promise<void> {
  const [bundle] = await q
    .select({ id: bundles.id, pinned: bundles.latestPinned })
    .from(bundles)
    .where(eq(bundles.name, name));
  if (!bundle) return;
  const [current] = await q
    .select({ version: distTags.version })
    .from(distTags)
    .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')));
  let latest = current?.version;
  if (!bundle.pinned || latest === undefined) {
    const all = await q
      .select({ version: versions.version, yanked: versions.yanked })
      .from(versions)
      .where(eq(versions.name, name));
    latest = pickLatest(all);
    if (latest === undefined)
      await q.delete(distTags).where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')));
    else await setTag(q, name, 'latest', latest);
  }
  const doc = latest === undefined ? undefined : await readDocument(q, name, latest);
  await q
    .update(bundles)
    .set({
      ...(doc
        ? {
            description: doc.description,
            category: doc.category ?? null,
            keywords: JSON.stringify(doc.keywords),
          }
        : {}),
      revision: sql`${bundles.revision} + 1`,
      updatedAt: at,
    })
    .where(eq(bundles.id, bundle.id));
  await writeSearchRow(q, bundle.id, name, doc);
}

/** Bumps only the revision (for changes that leave versions and tags alone, like owners). */
export async function touchBundle(q: Q, name: string, at: string): Promise<void> {
  await q
    .update(bundles)
    .set({ revision: sql`${bundles.revision} + 1`, updatedAt: at })
    .where(eq(bundles.name, name));
}

export async function setTag(q: Q, name: string, tag: string, version: string): Promise<void> {
  await q
    .insert(distTags)
    .values({ name, tag, version })
    .onConflictDoUpdate({ target: [distTags.name, distTags.tag], set: { version } });
}

async function readDocument(q: Q, name: string, version: string): Promise<StoredVersion | undefined> {
  const [row] = await q
    .select({ document: versions.document })
    .from(versions)
    .where(and(eq(versions.name, name), eq(versions.version, version)));
  return row ? (JSON.parse(row.document) as StoredVersion) : undefined;
}

/** Words only: the `simple` parser would otherwise read `@acme/x` as one token. */
const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ');

async function writeSearchRow(q: Q, id: number, name: string, doc: StoredVersion | undefined): Promise<void> {
  await q.delete(search).where(eq(search.bundleId, id));
  if (!doc) return;
  const skills = doc.skills.map((s) => `${s.name} ${s.description}`).join('\n');
  await q.insert(search).values({
    bundleId: id,
    document: sql`setweight(to_tsvector('simple', ${words(name)}), 'A')
      || setweight(to_tsvector('simple', ${words(doc.keywords.join(' '))}), 'B')
      || setweight(to_tsvector('simple', ${words(doc.description)}), 'C')
      || setweight(to_tsvector('simple', ${words(skills)}), 'D')`,
  });
}
