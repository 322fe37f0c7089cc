import { createLru, type Lru } from '../lru.ts';
import type { SearchPage, SearchQuery } from './store.ts';

/** How a store's search cache behaves; every field has a default. */
export interface SearchCacheOptions {
  /**
   * How often the shared search revision is read again: a publish, yank or tag change made by
   * another process shows in this process's results at most this long after its commit.
   * A search or peek past `READ_AHEAD` of it starts the next read in the background, so under
   * steady traffic no search waits for one. Default 1000 ms.
   */
  pollMs?: number;
  /**
   * How long a page is fresh: past it the page is still answered at once, while one search in
   * the background replaces it (stale-while-revalidate). Each page's ttl is shortened by up to
   * `jitter` of it, so pages filled together are not all refreshed together. Default 10 s.
   */
  ttlMs?: number;
  /** The fraction of `ttlMs` a page's ttl is shortened by, at most (drawn per page). Default 0.1. */
  jitter?: number;
  /**
   * The oldest a page is ever answered: past it a search waits for a fresh page. Download counts
   * (which never bump the revision) added by other processes show in rankings and figures at most
   * this long after their flush, usually within `ttlMs`. Default 2 × `ttlMs`.
   */
  maxAgeMs?: number;
  /**
   * Background refreshes (of stale pages) running at once, at most; a stale page whose refresh
   * would pass it is answered as it is, and refreshed by a later request. Pages filled together
   * go stale together: without a cap their refreshes would take every database connection at
   * once, and the revision read and every waiting search would queue behind them. Default 2.
   */
  maxRefreshes?: number;
  /** Pages kept (least recently used dropped first). Default 256: at most 25,600 results (limit ≤ 100). */
  maxEntries?: number;
  /** Milliseconds from any fixed origin; tests inject one. Default `performance.now`. */
  now?: () => number;
  /** A number in [0, 1) for the jitter; tests inject one. Default `Math.random`. */
  random?: () => number;
}

export interface SearchCache {
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * The page `search` would answer at once, synchronously: answered, younger than `maxAgeMs`,
   * and the revision read less than `pollMs` ago. Otherwise undefined (ask `search`, which
   * reads the revision or waits for a page). Like `search`, a stale page starts its background
   * refresh, and a search here starts the revision read ahead of time (see `pollMs`).
   */
  peek(query: SearchQuery): SearchPage | undefined;
  /** This process changed what search returns: drop every page, read the revision again. */
  invalidate(): void;
}

/**
 * The fraction of `pollMs` after which a search or peek starts the next revision read in the
 * background: it completes (one primary-key read) before the revision is due, so neither a
 * search waits for it nor the server's fast lane hands searches to the app meanwhile. The read
 * counts from its start, so no answer is ever staler than `pollMs` allows.
 */
export const READ_AHEAD = 0.75;

export const SEARCH_CACHE_DEFAULTS = {
  pollMs: 1000,
  ttlMs: 10_000,
  jitter: 0.1,
  maxEntries: 256,
  maxRefreshes: 2,
} as const;

interface Entry {
  /** When the search that filled it started. */
  at: number;
  /** Fresh until `at + ttl`. */
  ttl: number;
  page: Promise<SearchPage>;
  /** Set once `page` has answered: only an answered page is served stale. */
  answered: boolean;
  /** What `page` answered, once it has. */
  value?: SearchPage;
  /** The background search replacing this page, while it runs. */
  refresh?: Promise<SearchPage>;
}

/**
 * Search pages cached by query under the store's search revision. The revision is read at most
 * once per `pollMs` (one primary-key row, shared by every search waiting for it); when it moved,
 * every page is dropped. Identical searches in flight share one query. Writes made through this
 * process's store call `invalidate` after they commit, so a process always sees its own writes.
 * A page past its ttl is answered at once while one background search (shared by every request
 * for it) replaces it; past `maxAgeMs` it is not answered at all. So only download figures are
 * ever served stale: anything that changes the revision drops every page.
 */
export function createSearchCache(
  source: { search(query: SearchQuery): Promise<SearchPage>; revision(): Promise<number> },
  options: SearchCacheOptions = {},
): SearchCache {
  const { pollMs, ttlMs, jitter, maxEntries, maxRefreshes } = { ...SEARCH_CACHE_DEFAULTS, ...options };
  const maxAgeMs = options.maxAgeMs ?? 2 * ttlMs;
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  let pages: Lru<Entry> = createLru(maxEntries);
  let revision: number | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  let refreshing = 0;

  const drop = () => {
    pages = createLru(maxEntries);
  };
  /** The revision read running, or one started now. */
  const readRevision = (): Promise<void> =>
    (reading ??= (async () => {
      const startedAt = now();
      try {
        const current = await source.revision();
        if (current !== revision) drop();
        revision = current;
        readAt = startedAt;
      } finally {
        reading = undefined;
      }
    })());
  /** The revision read to wait for when the revision is due; starts one ahead of time before. */
  const fresh = (): Promise<void> | undefined => {
    const age = now() - readAt;
    if (age >= pollMs) return readRevision();
    // A failed read ahead is no answer's business: the read when due reports its own failure.
    if (age >= pollMs * READ_AHEAD && reading === undefined) readRevision().catch(() => {});
    return undefined;
  };

  /** An entry for `page`, whose search started at `at`, put in `into` under `key`. */
  function put(into: Lru<Entry>, key: string, at: number, page: Promise<SearchPage>): Entry {
    const entry: Entry = { at, ttl: ttlMs * (1 - jitter * random()), page, answered: false };
    into.set(key, entry);
    page.then(
      (value) => {
        entry.answered = true;
        entry.value = value;
      },
      () => {
        if (into.get(key) === entry) into.delete(key);
      },
    );
    return entry;
  }

  /**
   * Starts the one background search that replaces `entry`, unless it runs already or
   * `maxRefreshes` run already (then a later request for the page starts it).
   */
  function revalidate(into: Lru<Entry>, key: string, entry: Entry, query: SearchQuery): void {
    if (entry.refresh || refreshing >= maxRefreshes) return;
    const at = now();
    const refresh = source.search(query);
    entry.refresh = refresh;
    refreshing++;
    refresh.then(
      () => {
        refreshing--;
        // A drop (revision moved, a write here) or a newer page since: this answer is not wanted.
        if (into === pages && into.get(key) === entry) put(into, key, at, refresh);
      },
      () => {
        refreshing--;
        entry.refresh = undefined;
      },
    );
  }

  return {
    async search(query) {
      const waiting = fresh();
      if (waiting) await waiting;
      const key = keyOf(query);
      const cached = pages.get(key);
      if (cached) {
        const age = now() - cached.at;
        if (age < cached.ttl || !cached.answered) return cached.page;
        if (age < maxAgeMs) {
          revalidate(pages, key, cached, query);
          return cached.page;
        }
        if (cached.refresh) return cached.refresh;
      }
      return put(pages, key, now(), source.search(query)).page;
    },
    peek(query) {
      const due = fresh();
      if (due) {
        // The search the app runs next waits for this read and reports its failure.
        due.catch(() => {});
        return undefined;
      }
      const key = keyOf(query);
      const cached = pages.get(key);
      if (!cached?.answered) return undefined;
      const age = now() - cached.at;
      if (age < cached.ttl) return cached.value;
      if (age >= maxAgeMs) return undefined;
      // Stale: answered as `search` would answer it, while one background search replaces it.
      revalidate(pages, key, cached, query);
      return cached.value;
    },
    invalidate() {
      drop();
      readAt = Number.NEGATIVE_INFINITY;
    },
  };
}

/** Each query object's key, while it lives: the server's fast lane asks again with the same object. */
const keys = new WeakMap<SearchQuery, string>();

function keyOf(query: SearchQuery): string {
  let key = keys.get(query);
  if (key === undefined) {
    key = JSON.stringify([query.match?.terms, query.match?.every, query.category, query.limit, query.offset]);
    keys.set(query, key);
  }
  return key;
}
