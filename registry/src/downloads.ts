import type { Store } from './db/store.ts';

/** Counts tarball downloads without a write per request. */
export interface DownloadCounter {
  count(name: string): void;
  /** Writes what is counted so far. */
  flush(): Promise<void>;
  /** Stops the timer and flushes. */
  stop(): Promise<void>;
}

/**
 * Batches download counts in memory and adds them to the store every `intervalMs` and on `stop()`.
 * A crash loses at most one interval of counts; that is the price of reads that never write.
 */
export function createBatchedDownloads(options: {
  store: Store;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): DownloadCounter {
  let pending = new Map<string, number>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (pending.size === 0) return flushing;
    const batch = pending;
    pending = new Map();
    flushing = flushing
      .then(() => options.store.addDownloads(batch))
      .catch((e: unknown) => options.onError?.(e));
    return flushing;
  };
  const timer = setInterval(flush, options.intervalMs ?? 1000);
  timer.unref();
  return {
    count(name) {
      pending.set(name, (pending.get(name) ?? 0) + 1);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
