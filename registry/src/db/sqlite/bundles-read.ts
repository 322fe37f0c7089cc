import { and, asc, eq, sql } from 'drizzle-orm';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { BundleRecord, Store, VersionRecord } from '../store.ts';
import type { Db, Q } from './connection.ts';
import { bundles, distTags, owners, publishedVersions, versions } from './schema.ts';

type ReadMethods = Pick<
  Store,
  'getBundleHead' | 'getBundle' | 'getVersion' | 'findFolded' | 'wasPublished' | 'listLatest'
>;

/** The read side of bundles. Hot queries are prepared once. */
export function sqliteBundleReads(db: Db): ReadMethods {
  const head = db
    .select({ revision: bundles.revision, downloads: bundles.downloads })
    .from(bundles)
    .where(eq(bundles.name, sql.placeholder('name')))
    .prepare();
  const oneVersion = db
    .select()
    .from(versions)
    .where(and(eq(versions.name, sql.placeholder('name')), eq(versions.version, sql.placeholder('version'))))
    .prepare();
  return {
    async getBundleHead(name) {
      return head.get({ name });
    },
    async getBundle(name) {
      return db.transaction((tx) => {
        const bundle = readBundle(tx, name);
        if (!bundle) return undefined;
        const tags = tx.select().from(distTags).where(eq(distTags.name, name)).all();
        return {
          bundle,
          versions: tx.select().from(versions).where(eq(versions.name, name)).all().map(toVersion),
          distTags: Object.fromEntries(tags.map((t) => [t.tag, t.version])),
          owners: readOwners(tx, name),
        };
      });
    },
    async getVersion(name, version) {
      const row = oneVersion.get({ name, version });
      return row ? toVersion(row) : undefined;
    },
    async findFolded(folded) {
      return db.select({ name: bundles.name }).from(bundles).where(eq(bundles.folded, folded)).get()?.name;
    },
    async wasPublished(name, version) {
      const row = db
        .select({ one: sql`1` })
        .from(publishedVersions)
        .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)))
        .get();
      return row !== undefined;
    },
    async listLatest() {
      return db
        .select({ v: versions })
        .from(distTags)
        .innerJoin(versions, and(eq(versions.name, distTags.name), eq(versions.version, distTags.version)))
        .where(eq(distTags.tag, 'latest'))
        .orderBy(asc(distTags.name))
        .all()
        .map((r) => toVersion(r.v));
    },
  };
}

export function readBundle(q: Q, name: string): BundleRecord | undefined {
  const row = q.select().from(bundles).where(eq(bundles.name, name)).get();
  if (!row) return undefined;
  const { id: _id, folded: _folded, keywords, ...rest } = row;
  return { ...rest, keywords: JSON.parse(keywords) as string[] };
}

export function readOwners(q: Q, name: string): string[] {
  return q
    .select({ username: owners.username })
    .from(owners)
    .where(eq(owners.name, name))
    .orderBy(asc(owners.username))
    .all()
    .map((r) => r.username);
}

export function toVersion(row: typeof versions.$inferSelect): VersionRecord {
  return { ...row, document: JSON.parse(row.document) as StoredVersion };
}
