import { and, eq, sql } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Q } from './connection.ts';
import { bundles, distTags, versions } from './schema.ts';

/**
 * Inside a transaction: points `latest` where docs/http-api.md says (unless pinned), copies the
 * latest version's description, category and keywords onto the bundle, rewrites its search rows
 * (`search` and `search_rank`; downloads reach `search_rank` by trigger) and bumps its revision. Call after any change to a bundle's versions or tags.
 */
export function syncBundle(q: Q, name: string, at: string): void {
  const bundle = q
    .select({ id: bundles.id, pinned: bundles.latestPinned })
    .from(bundles)
    .where(eq(bundles.name, name))
    .get();
  if (!bundle) return;
  let latest = q
    .select({ version: distTags.version })
    .from(distTags)
    .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')))
    .get()?.version;
  if (!bundle.pinned || latest === undefined) {
    const all = q
      .select({ version: versions.version, yanked: versions.yanked })
      .from(versions)
      .where(eq(versions.name, name))
      .all();
    latest = pickLatest(all);
    if (latest === undefined)
      q.delete(distTags)
        .where(and(eq(distTags.name, name), eq(distTags.tag, 'latest')))
        .run();
    else setTag(q, name, 'latest', latest);
  }
  const doc = latest === undefined ? undefined : readDocument(q, name, latest);
  q.update(bundles)
    .set({
      ...(doc
        ? {
            description: doc.description,
            category: doc.category ?? null,
            keywords: JSON.stringify(doc.keywords),
          }
        : {}),
      revision: bumpRevision(),
      updatedAt: at,
    })
    .where(eq(bundles.id, bundle.id))
    .run();
  writeSearchRow(q, bundle.id, name, doc);
}

/** Bumps only the revision (for changes that leave versions and tags alone, like owners). */
export function touchBundle(q: Q, name: string, at: string): void {
  q.update(bundles).set({ revision: bumpRevision(), updatedAt: at }).where(eq(bundles.name, name)).run();
}

export function setTag(q: Q, name: string, tag: string, version: string): void {
  q.insert(distTags)
    .values({ name, tag, version })
    .onConflictDoUpdate({ target: [distTags.name, distTags.tag], set: { version } })
    .run();
}

function readDocument(q: Q, name: string, version: string): StoredVersion | undefined {
  const row = q
    .select({ document: versions.document })
    .from(versions)
    .where(and(eq(versions.name, name), eq(versions.version, version)))
    .get();
  return row ? (JSON.parse(row.document) as StoredVersion) : undefined;
}

function writeSearchRow(q: Q, id: number, name: string, doc: StoredVersion | undefined): void {
  q.run(sql`DELETE FROM search WHERE rowid = ${id}`);
  q.run(sql`DELETE FROM search_rank WHERE id = ${id}`);
  if (!doc) return;
  q.run(
    sql`INSERT INTO search_rank (id, name, category, downloads)
         SELECT id, name, ${doc.category ?? null}, downloads FROM bundles WHERE id = ${id}`,
  );
  const skills = doc.skills.map((s) => `${s.name} ${s.description}`).join('\n');
  q.run(
    sql`INSERT INTO search (rowid, name, description, keywords, skills)
         VALUES (${id}, ${name}, ${doc.description}, ${doc.keywords.join(' ')}, ${skills})`,
  );
}

function bumpRevision() {
  return sql`${bundles.revision} + 1`;
}
