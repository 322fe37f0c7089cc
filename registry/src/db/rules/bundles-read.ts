import { and, asc, eq, sql } from 'drizzle-orm';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Dialect, Q, Tables } from '../dialect.ts';
import type { BundleRecord, Store, VersionRecord } from '../store.ts';
import { prepared } from './prepared.ts';

type ReadMethods = Pick<
  Store,
  | 'getBundleHead'
  | 'getBundle'
  | 'listOwners'
  | 'getVersion'
  | 'findFolded'
  | 'wasPublished'
  | 'listLatest'
  | 'listBundlesByOwner'
>;

/** The read side of bundles. Hot reads are prepared once; a snapshot is one consistent read. */
export function bundleReads(d: Dialect): ReadMethods {
  const t = d.tables;
  const ownersOf = prepared((q) =>
    q
      .select({ username: t.owners.username })
      .from(t.owners)
      .where(eq(t.owners.name, sql.placeholder('name')))
      .orderBy(asc(t.owners.username))
      .prepare('owners_of_bundle'),
  );
  const { bundles, distTags, publishedVersions, versions } = t;
  const readHead = d.prepareGet((db) =>
    db
      .select({ revision: bundles.revision, downloads: bundles.downloads })
      .from(bundles)
      .where(eq(bundles.name, sql.placeholder('name')))
      .prepare('bundle_head'),
  );
  const readVersion = d.prepareGet((db) =>
    db
      .select()
      .from(versions)
      .where(
        and(eq(versions.name, sql.placeholder('name')), eq(versions.version, sql.placeholder('version'))),
      )
      .prepare('bundle_version'),
  );
  return {
    async getBundleHead(name) {
      return readHead({ name });
    },
    getBundle(name) {
      return d.snapshot(async (q) => {
        const [row] = await q.select().from(bundles).where(eq(bundles.name, name));
        if (!row) return undefined;
        const tags = await q.select().from(distTags).where(eq(distTags.name, name));
        return {
          bundle: toBundle(row),
          versions: (await q.select().from(versions).where(eq(versions.name, name))).map(toVersion),
          distTags: Object.fromEntries(tags.map((tag) => [tag.tag, tag.version])),
          owners: await readOwners(q, t, name),
        };
      });
    },
    // Every publish asks it first (the early owner check), outside any transaction.
    listOwners(name) {
      return d.run(async (q) => (await ownersOf(q, { name })).map((r) => r.username));
    },
    async getVersion(name, version) {
      const row = await readVersion({ name, version });
      return row ? toVersion(row) : undefined;
    },
    findFolded(folded) {
      return d.run(async (q) => {
        const [row] = await q.select({ name: bundles.name }).from(bundles).where(eq(bundles.folded, folded));
        return row?.name;
      });
    },
    wasPublished(name, version) {
      return d.run(async (q) => {
        const rows = await q
          .select({ v: publishedVersions.version })
          .from(publishedVersions)
          .where(and(eq(publishedVersions.name, name), eq(publishedVersions.version, version)));
        return rows.length > 0;
      });
    },
    listLatest() {
      return d.run(async (q) => {
        const rows = await q
          .select({ v: versions })
          .from(distTags)
          .innerJoin(versions, and(eq(versions.name, distTags.name), eq(versions.version, distTags.version)))
          .where(eq(distTags.tag, 'latest'))
          .orderBy(asc(distTags.name));
        return rows.map((r) => toVersion(r.v));
      });
    },
    listBundlesByOwner(username) {
      return d.run(async (q) => {
        const rows = await q
          .select({ b: bundles })
          .from(t.owners)
          .innerJoin(bundles, eq(bundles.name, t.owners.name))
          .where(eq(t.owners.username, username))
          .orderBy(asc(bundles.name));
        return rows.map((r) => toBundle(r.b));
      });
    },
  };
}

/** The owners of bundle `name`, by username. */
export async function readOwners(q: Q, { owners }: Tables, name: string): Promise<string[]> {
  const rows = await q
    .select({ username: owners.username })
    .from(owners)
    .where(eq(owners.name, name))
    .orderBy(asc(owners.username));
  return rows.map((r) => r.username);
}

function toBundle(row: Tables['bundles']['$inferSelect']): BundleRecord {
  const { id: _id, folded: _folded, changeSeq: _changeSeq, keywords, ...rest } = row;
  return { ...rest, keywords: JSON.parse(keywords) as string[] };
}

function toVersion(row: Tables['versions']['$inferSelect']): VersionRecord {
  return { ...row, document: JSON.parse(row.document) as StoredVersion };
}
