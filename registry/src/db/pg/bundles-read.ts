import { and, asc, eq } from 'drizzle-orm';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { BundleRecord, Store, VersionRecord } from '../store.ts';
import type { Db, Q } from './connection.ts';
import { bundles, distTags, owners, publishedVersions, versions } from './schema.ts';

type ReadMethods = Pick<
  Store,
  | 'getBundleHead'
  | 'getBundle'
  | 'getVersion'
  | 'findFolded'
  | 'wasPublished'
  | 'listLatest'
  | 'listBundlesByOwner'
>;

/** The read side of bundles. A snapshot is read in one REPEATABLE READ transaction. */
export function pgBundleReads(db: Db): ReadMethods {
  return {
    async getBundleHead(name) {
      const [row] = await db
        .select({ revision: bundles.revision, downloads: bundles.downloads })
        .from(bundles)
        .where(eq(bundles.name, name));
      return row;
    },
    async getBundle(name) {
      return db.transaction(
        async (tx) => {
          const bundle = await readBundle(tx, name);
          if (!bundle) return undefined;
          const tags = await tx.select().from(distTags).where(eq(distTags.name, name));
          return {
            bundle,
            versions: (await tx.select().from(versions).where(eq(versions.name, name))).map(toVersion),
            distTags: Object.fromEntries(tags.map((t) => [t.tag, t.version])),
            owners: await readOwners(tx, name),
          };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
    },
    async getVersion(name, version) {
      const [row] = await db
        .select()
        .from(versions)
        .where(and(eq(versions.name, name), eq(versions.version, version)));
      return row ? toVersion(row) : undefined;
    },
    async findFolded(folded) {
      const [row] = await db.select({ name: bundles.name }).from(bundles).where(eq(bundles.folded, folded));
      return row?.name;
    },
    async wasPublished(name, version) {
      const rows = await db
        .select({ v: publishedVersions.version })
        .from(publishedVersions)
        .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)));
      return rows.length > 0;
    },
    async listLatest() {
      const rows = await db
        .select({ v: versions })
        .from(distTags)
        .innerJoin(versions, and(eq(versions.name, distTags.name), eq(versions.version, distTags.version)))
        .where(eq(distTags.tag, 'latest'))
        .orderBy(asc(distTags.name));
      return rows.map((r) => toVersion(r.v));
    },
    async listBundlesByOwner(username) {
      const rows = await db
        .select({ b: bundles })
        .from(owners)
        .innerJoin(bundles, eq(bundles.name, owners.name))
        .where(eq(owners.username, username))
        .orderBy(asc(bundles.name));
      return rows.map((r) => toBundle(r.b));
    },
  };
}

export async function readBundle(q: Q, name: string): Promise<BundleRecord | undefined> {
  const [row] = await q.select().from(bundles).where(eq(bundles.name, name));
  return row ? toBundle(row) : undefined;
}

export async function readOwners(q: Q, name: string): Promise<string[]> {
  const rows = await q
    .select({ username: owners.username })
    .from(owners)
    .where(eq(owners.name, name))
    .orderBy(asc(owners.username));
  return rows.map((r) => r.username);
}

function toBundle(row: typeof bundles.$inferSelect): BundleRecord {
  const { id: _id, folded: _folded, keywords, ...rest } = row;
  return { ...rest, keywords: JSON.parse(keywords) as string[] };
}

function toVersion(row: typeof versions.$inferSelect): VersionRecord {
  return { ...row, document: JSON.parse(row.document) as StoredVersion };
}
