import type { Dialect } from './dialect.ts';
import { accounts } from './rules/accounts.ts';
import { auditReads } from './rules/audit.ts';
import { bundleReads } from './rules/bundles-read.ts';
import { changeReads } from './rules/changes.ts';
import { npmArtifactRecords } from './rules/npm-artifacts.ts';
import { ownership } from './rules/owners.ts';
import { publishing } from './rules/publish.ts';
import { searchRevision } from './rules/search-revision.ts';
import { signingKeyRecords } from './rules/signing-keys.ts';
import { usageCounters } from './rules/usage.ts';
import { versionChanges } from './rules/versions.ts';
import { createSearchCache, type SearchCacheOptions } from './search-cache.ts';
import type { BundleChange, Store } from './store.ts';

export interface StoreOptions {
  /** The search result cache (`search-cache.ts`); `false` sends every search to the database. */
  searchCache?: SearchCacheOptions | false;
}

/**
 * The store over one dialect: every rule and query is in `rules/`, written once. Search answers
 * come from a per-process cache keyed by the store's search revision; every bundle write made
 * through this store drops it once committed (download counts only age out with its ttl).
 */
export function createStore(dialect: Dialect, options: StoreOptions = {}): Store {
  const cache =
    options.searchCache === false
      ? undefined
      : createSearchCache(
          { search: (query) => dialect.search(query), revision: searchRevision(dialect) },
          options.searchCache,
        );
  const d: Dialect = cache
    ? {
        ...dialect,
        async write(work) {
          try {
            return await dialect.write(work);
          } finally {
            cache.invalidate();
          }
        },
      }
    : dialect;
  const listeners = new Set<(change: BundleChange) => void>();
  const notify = (change: BundleChange) => {
    for (const listener of listeners) listener(change);
  };
  /** The write `method`, telling listeners about bundle `input.name` once it settles. */
  const announcing =
    <I extends { name: string }, A extends unknown[], R>(method: (input: I, ...rest: A) => Promise<R>) =>
    (input: I, ...rest: A): Promise<R> =>
      method(input, ...rest).finally(() => notify({ name: input.name }));
  const publish = publishing(d);
  const versions = versionChanges(d);
  const owners = ownership(d);
  const usage = usageCounters(d);
  return {
    kind: d.kind,
    searchThreads: d.searchThreads,
    ...accounts(d),
    ...bundleReads(d),
    ...changeReads(d),
    ...publish,
    commitPublish: announcing(publish.commitPublish),
    ...versions,
    setDistTag: announcing(versions.setDistTag),
    removeDistTag: announcing(versions.removeDistTag),
    setDeprecated: announcing(versions.setDeprecated),
    setYanked: announcing(versions.setYanked),
    ...owners,
    addOwner: announcing(owners.addOwner),
    removeOwner: announcing(owners.removeOwner),
    search: cache ? (query) => cache.search(query) : (query) => d.search(query),
    peekSearch: cache ? (query) => cache.peek(query) : () => undefined,
    ...usage,
    // Download counts bump no search revision and drop no search page: they show in search
    // within the cache's ttl, in this process as in every other.
    async addDownloads(counts) {
      const totals = await usage.addDownloads(counts);
      for (const [name, downloads] of totals) notify({ name, downloads });
    },
    onBundleChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...signingKeyRecords(d),
    ...npmArtifactRecords(d),
    ...auditReads(d),
    close: () => d.close(),
  };
}
