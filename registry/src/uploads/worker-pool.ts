import { RegistryError } from '../errors.ts';
import { createThreadPool, siblingEntry, type ThreadPoolStats } from '../threads/thread-pool.ts';
import type { UploadOutcome } from './process-upload.ts';
import type { UploadJob } from './upload-messages.ts';
import { ownedBytes, type UploadPool } from './upload-pool.ts';

/** Seconds a client is told to wait (`Retry-After`) when every worker is busy and the queue is full. */
export const POOL_RETRY_AFTER_S = 2;

export interface WorkerPoolOptions {
  /** Threads, started on first use. */
  size: number;
  /** Wall-clock budget of one job; past it the thread is terminated and replaced. */
  budgetMs: number;
  /** Jobs that may wait for a thread; one more is refused with 503. */
  queueLimit: number;
  /** The worker's entry; default `upload-worker` next to this module. Tests pass others. */
  entry?: URL;
}

/** What the pool did, for tests and metrics. */
export type WorkerPoolStats = ThreadPoolStats;

const shuttingDown = () => new RegistryError('UNAVAILABLE', 'the registry is shutting down');

/**
 * A fixed pool of worker threads running `processUpload` (`threads/thread-pool.ts`), so a
 * publish's archive work never blocks the event loop. Each job has a time budget: a thread over
 * it is terminated, replaced on next use, and the job answers 422 INVALID_BUNDLE
 * (`PROCESSING_TIME_EXCEEDED`). The queue is bounded: past it, 503 UNAVAILABLE with Retry-After.
 * Threads are unref'd: they never keep the process alive; `close()` stops them.
 * @example const pool = createWorkerPool({ size: 2, budgetMs: 20_000, queueLimit: 8 })
 */
export function createWorkerPool(options: WorkerPoolOptions): UploadPool & { stats(): WorkerPoolStats } {
  const pool = createThreadPool<UploadJob, UploadOutcome>({
    size: options.size,
    entry: options.entry ?? siblingEntry(import.meta.url, 'upload-worker'),
    name: 'upload worker',
    queueLimit: options.queueLimit,
    queueFull: () =>
      new RegistryError('UNAVAILABLE', 'every upload worker is busy; try again shortly', {
        retryAfter: POOL_RETRY_AFTER_S,
      }),
    budgetMs: options.budgetMs,
    overBudget: () => {
      const message = `reading the bundle took longer than its budget of ${options.budgetMs} ms`;
      return {
        ok: false,
        refusal: {
          code: 'INVALID_BUNDLE',
          message,
          problems: [{ path: '(archive)', code: 'PROCESSING_TIME_EXCEEDED', message }],
        },
      };
    },
    transfer: (job) => [job.bytes.buffer],
    closedError: shuttingDown,
  });
  return {
    run: (bytes, limits) => pool.run({ bytes: ownedBytes(bytes), limits }),
    close: () => pool.close(),
    stats: () => pool.stats(),
  };
}
