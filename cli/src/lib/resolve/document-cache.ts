import type { BundleDocument } from '@skills/schemas';

/** Fetches bundle documents once each per run, with at most `concurrency` requests in flight. */
export interface DocumentCache {
  /** The document of `name`; repeated calls share one request. */
  get(name: string): Promise<BundleDocument>;
  /** Starts fetching in the background; errors surface on the next `get`. */
  prefetch(names: Iterable<string>): void;
}

/**
 * Wraps `getBundle` in a per-run cache with bounded parallelism, so the resolver can ask for
 * the dependencies of a version as soon as it is picked without flooding the registry.
 * @example const docs = createDocumentCache((n) => client.getBundle(n), 8)
 */
export function createDocumentCache(
  getBundle: (name: string) => Promise<BundleDocument>,
  concurrency = 8,
): DocumentCache {
  const cache = new Map<string, Promise<BundleDocument>>();
  const waiting: (() => void)[] = [];
  let running = 0;

  const acquire = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  const get = (name: string): Promise<BundleDocument> => {
    let p = cache.get(name);
    if (!p) {
      p = (async () => {
        await acquire();
        try {
          return await getBundle(name);
        } finally {
          release();
        }
      })();
      p.catch(() => {}); // observed by whoever awaits get(); a prefetch alone must not crash the process
      cache.set(name, p);
    }
    return p;
  };

  return {
    get,
    prefetch(names) {
      for (const n of names) get(n);
    },
  };
}
