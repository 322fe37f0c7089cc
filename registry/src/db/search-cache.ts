import { createLru, type Lru } from '../lru.ts';
import type { SearchPage, SearchQuery } from './store.ts';

/** How a store's search cache behaves; every field has a default. */
export interface SearchCacheOptions {
  /**
   * How often the shared search revision is read again: a publish, yank or tag change made by
   * another process shows in this process's results at most this long after its commit.
   * Default 1000 ms.
   */
  pollMs?: number;
  /**
   * The oldest a cached page may be: download counts (which never bump the revision) added by
   * other processes show in rankings and figures at most this long after their flush. Default 10 s.
   */
  ttlMs?: number;
  /** Pages kept (least recently used dropped first). Default 256: at most 25,600 results (limit ≤ 100). */
  maxEntries?: number;
  /** Milliseconds from any fixed origin; tests inject one. Default `performance.now`. */
  now?: () => number;
}

export interface SearchCache {
  search(query: SearchQuery): Promise<SearchPage>;
  /** This process changed what search returns: drop every page, read the revision again. */
  invalidate(): void;
}

export const SEARCH_CACHE_DEFAULTS = { pollMs: 1000, ttlMs: 10_000, maxEntries: 256 } as const;

/**
 * Search pages cached by query under the store's search revision. The revision is read at most
 * once per `pollMs` (one primary-key row, shared by every search waiting for it); when it moved,
 * every page is dropped. Identical searches in flight share one query. Writes made through this
 * process's store call `invalidate` after they commit, so a process always sees its own writes.
 */
export function createSearchCache(
  source: { search(query: SearchQuery): Promise<SearchPage>; revision(): Promise<number> },
  options: SearchCacheOptions = {},
): SearchCache {
  const { pollMs, ttlMs, maxEntries } = { ...SEARCH_CACHE_DEFAULTS, ...options };
  const now = options.now ?? (() => performance.now());
  let pages: Lru<{ at: number; page: Promise<SearchPage> }> = createLru(maxEntries);
  let revision: number | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  const drop = () => {
    pages = createLru(maxEntries);
  };
  const fresh = (): Promise<void> | undefined => {
    if (now() - readAt < pollMs) return undefined;
    reading ??= (async () => {
      const startedAt = now();
      try {
        const current = await source.revision();
        if (current !== revision) drop();
        revision = current;
        readAt = startedAt;
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };

  return {
    async search(query) {
      const waiting = fresh();
      if (waiting) await waiting;
      const key = JSON.stringify([
        query.match?.terms,
        query.match?.every,
        query.category,
        query.limit,
        query.offset,
      ]);
      const cached = pages.get(key);
      if (cached && now() - cached.at < ttlMs) return cached.page;
      const into = pages;
      const entry = { at: now(), page: source.search(query) };
      into.set(key, entry);
      entry.page.catch(() => {
        if (into.get(key) === entry) into.delete(key);
      });
      return entry.page;
    },
    invalidate() {
      drop();
      readAt = Number.NEGATIVE_INFINITY;
    },
  };
}
