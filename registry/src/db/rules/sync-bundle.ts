import { and, eq, sql } from 'drizzle-orm';
import { pickLatest } from '../../domain/latest.ts';
import type { StoredVersion } from '../../domain/version-document.ts';
import type { Dialect, Q } from '../dialect.ts';
import { bumpChanges } from './changes.ts';
import { prepared } from './prepared.ts';

/** The one row of `search_state`. */
export const SEARCH_STATE_ROW = 1;

/** What `syncBundle` starts from: the bundle's id, whether `latest` is pinned, and where it points. */
export interface BundleState {
  id: number;
  pinned: boolean;
  latest: string | null;
}

/** What a write that already knows it tells `syncBundle`, so it is not read again. */
export interface KnownToSync {
  /** The bundle as it is inside this write (read in it, or just inserted). */
  bundle?: BundleState;
  /**
   * A version this write just inserted (live), with its document: not read back if it becomes
   * latest; with `bundle`, the versions are not listed either (see `syncBundle`).
   */
  fresh?: { version: string; document: StoredVersion };
}

export interface BundleSync {
  /**
   * Inside a write: points `latest` where docs/http-api.md says (unless pinned), copies the
   * latest version's description, category and keywords onto the bundle, rewrites its search
   * row, bumps its revision and the search revision, and records the change on the store-wide
   * counter (`changesSince`). Call after any change to a bundle's versions or tags.
   */
  syncBundle(q: Q, name: string, at: string, known?: KnownToSync): Promise<void>;
  /**
   * Bumps only the revision, and records the change (for changes that leave versions and tags
   * alone, like owners).
   */
  touchBundle(q: Q, name: string, at: string): Promise<void>;
  setTag(q: Q, tag: { name: string; tag: string; version: string }): Promise<void>;
}

export function bundleSync(d: Dialect): BundleSync {
  const { bundles, distTags, versions, searchState } = d.tables;
  const bumpRevision = () => sql`${bundles.revision} + 1`;
  const isLatest = (name: string) => and(eq(distTags.name, name), eq(distTags.tag, 'latest'));
  const p = sql.placeholder;
  // The statements every publish runs, prepared (see `prepared`); an update's `set` takes a
  // placeholder only inside `sql`.
  const setChangeSeq = prepared((q) =>
    q
      .update(bundles)
      .set({ changeSeq: sql`${p('changeSeq')}` })
      .where(eq(bundles.name, p('name')))
      .prepare('sync_change_seq'),
  );
  const upsertTag = prepared((q) =>
    q
      .insert(distTags)
      .values({ name: p('name'), tag: p('tag'), version: p('version') })
      .onConflictDoUpdate({ target: [distTags.name, distTags.tag], set: { version: sql`${p('version')}` } })
      .prepare('sync_upsert_tag'),
  );
  const listVersions = prepared((q) =>
    q
      .select({ version: versions.version, yanked: versions.yanked })
      .from(versions)
      .where(eq(versions.name, p('name')))
      .prepare('sync_list_versions'),
  );
  const describe = prepared((q) =>
    q
      .update(bundles)
      .set({
        description: sql`${p('description')}`,
        category: sql`${p('category')}`,
        keywords: sql`${p('keywords')}`,
        revision: bumpRevision(),
        updatedAt: sql`${p('at')}`,
      })
      .where(eq(bundles.id, p('id')))
      .prepare('sync_describe'),
  );
  const bumpSearchRevision = prepared((q) =>
    q
      .update(searchState)
      .set({ revision: sql`${searchState.revision} + 1` })
      .where(eq(searchState.id, SEARCH_STATE_ROW))
      .prepare('sync_search_revision'),
  );
  // The counter is taken last in the transaction, after the bundle's row: every transaction
  // that bumps it (downloads too) takes it last, so no two wait on each other in a cycle.
  async function recordChange(q: Q, name: string) {
    const changeSeq = await bumpChanges(q, d.tables);
    await setChangeSeq(q, { changeSeq, name });
  }

  async function setTag(q: Q, { name, tag, version }: { name: string; tag: string; version: string }) {
    await upsertTag(q, { name, tag, version });
  }

  async function readDocument(q: Q, name: string, version: string): Promise<StoredVersion | undefined> {
    const [row] = await q
      .select({ document: versions.document })
      .from(versions)
      .where(and(eq(versions.name, name), eq(versions.version, version)));
    return row ? (JSON.parse(row.document) as StoredVersion) : undefined;
  }

  return {
    setTag,
    async syncBundle(q, name, at, known = {}) {
      const { fresh } = known;
      const [bundle] = known.bundle
        ? [known.bundle]
        : await q
            .select({ id: bundles.id, pinned: bundles.latestPinned, latest: distTags.version })
            .from(bundles)
            .leftJoin(distTags, and(eq(distTags.name, bundles.name), eq(distTags.tag, 'latest')))
            .where(eq(bundles.name, name));
      if (!bundle) return;
      let latest = bundle.latest ?? undefined;
      if (!bundle.pinned || latest === undefined) {
        // An unpinned `latest` is the rule's pick over the versions before this write (every
        // change to them ends in this sync), and the rule picks a maximum: with one new live
        // version and the bundle read in this write, the pick over all of them is the pick
        // between the two, so the versions need not be listed.
        const all =
          fresh && known.bundle && !bundle.pinned
            ? [
                ...(latest === undefined ? [] : [{ version: latest, yanked: false }]),
                { version: fresh.version, yanked: false },
              ]
            : await listVersions(q, { name });
        const picked = pickLatest(all);
        // Written only when it moves: the same version again would change nothing.
        if (picked === undefined) {
          if (latest !== undefined) await q.delete(distTags).where(isLatest(name));
        } else if (picked !== latest) await setTag(q, { name, tag: 'latest', version: picked });
        latest = picked;
      }
      const doc =
        latest === undefined
          ? undefined
          : latest === fresh?.version
            ? fresh.document
            : await readDocument(q, name, latest);
      if (doc) {
        await describe(q, {
          description: doc.description,
          category: doc.category ?? null,
          keywords: JSON.stringify(doc.keywords),
          at,
          id: bundle.id,
        });
      } else {
        await q
          .update(bundles)
          .set({ revision: bumpRevision(), updatedAt: at })
          .where(eq(bundles.id, bundle.id));
      }
      await d.writeSearchRow(q, { id: bundle.id, name, doc });
      // In the same transaction as the row: a cache keyed by this revision never outlives it.
      await bumpSearchRevision(q);
      await recordChange(q, name);
    },
    async touchBundle(q, name, at) {
      await q.update(bundles).set({ revision: bumpRevision(), updatedAt: at }).where(eq(bundles.name, name));
      await recordChange(q, name);
    },
  };
}
