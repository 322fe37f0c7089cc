import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArchiveLimits } from '@skills/archive';
import { RegistryError } from '../errors.ts';
import type { UploadOutcome } from './process-upload.ts';
import { type UploadAnswer, type UploadJob, WORKER_READY } from './upload-messages.ts';
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
export interface WorkerPoolStats {
  threadsStarted: number;
  jobsDone: number;
  jobsOverBudget: number;
  refusedQueueFull: number;
  /** Jobs on a thread now. */
  running: number;
  /** Jobs waiting for a thread now. */
  waiting: number;
}

interface Pending {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  limits: ArchiveLimits;
  resolve: (outcome: UploadOutcome) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** Set once the thread has loaded its modules: a job's budget starts then, not at spawn. */
  ready: boolean;
  job?: Pending;
  timer?: NodeJS.Timeout;
}

/**
 * A fixed pool of worker threads running `processUpload`, so a publish's archive work never
 * blocks the event loop. Each job has a time budget: a thread over it is terminated, replaced
 * on next use, and the job answers 422 INVALID_BUNDLE (`PROCESSING_TIME_EXCEEDED`). The queue is
 * bounded: past it, 503 UNAVAILABLE with Retry-After. Threads are unref'd: they never keep the
 * process alive; `close()` stops them.
 * @example const pool = createWorkerPool({ size: 2, budgetMs: 20_000, queueLimit: 8 })
 */
export function createWorkerPool(options: WorkerPoolOptions): UploadPool & { stats(): WorkerPoolStats } {
  const newWorker = workerEntry(options.entry);
  const slots: (Slot | undefined)[] = Array.from({ length: Math.max(1, options.size) }, () => undefined);
  const queue: Pending[] = [];
  const stats = { threadsStarted: 0, jobsDone: 0, jobsOverBudget: 0, refusedQueueFull: 0 };
  let nextId = 1;
  let closed = false;

  function startThread(index: number): Slot {
    const worker = newWorker();
    worker.unref();
    stats.threadsStarted++;
    const slot: Slot = { worker, ready: false };
    worker.on('message', (answer: UploadAnswer | typeof WORKER_READY) => {
      if (answer === WORKER_READY) {
        slot.ready = true;
        if (slot.job) startBudget(index, slot);
        return;
      }
      if (slot.job?.id !== answer.id) return;
      finish(index, slot, (job) => job.resolve(answer.outcome));
    });
    worker.on('error', (error) => retire(index, slot, error));
    worker.on('exit', (code) => retire(index, slot, new Error(`upload worker exited with code ${code}`)));
    return slot;
  }

  function finish(index: number, slot: Slot, settle: (job: Pending) => void): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    if (job) {
      stats.jobsDone++;
      settle(job);
    }
    dispatch(index);
  }

  // A thread that died or was stopped: its job fails and the slot starts a fresh thread on next use.
  function retire(index: number, slot: Slot, error: unknown): void {
    if (slots[index] !== slot) return;
    slots[index] = undefined;
    finish(index, slot, (job) => job.reject(error));
  }

  function dispatch(index: number): void {
    if (closed || slots[index]?.job) return;
    const job = queue.shift();
    if (!job) return;
    const slot = slots[index] ?? startThread(index);
    slots[index] = slot;
    slot.job = job;
    if (slot.ready) startBudget(index, slot);
    const message: UploadJob = { id: job.id, bytes: job.bytes, limits: job.limits };
    slot.worker.postMessage(message, [job.bytes.buffer]);
  }

  function startBudget(index: number, slot: Slot): void {
    slot.timer = setTimeout(() => overBudget(index, slot), options.budgetMs);
    slot.timer.unref();
  }

  function overBudget(index: number, slot: Slot): void {
    if (slots[index] !== slot) return;
    stats.jobsOverBudget++;
    slots[index] = undefined;
    void slot.worker.terminate();
    const message = `reading the bundle took longer than its budget of ${options.budgetMs} ms`;
    finish(index, slot, (job) =>
      job.resolve({
        ok: false,
        refusal: {
          code: 'INVALID_BUNDLE',
          message,
          problems: [{ path: '(archive)', code: 'PROCESSING_TIME_EXCEEDED', message }],
        },
      }),
    );
  }

  return {
    run(bytes, limits) {
      if (closed) return Promise.reject(new RegistryError('UNAVAILABLE', 'the registry is shutting down'));
      const idle = slots.findIndex((s) => !s?.job);
      if (idle < 0 && queue.length >= options.queueLimit) {
        stats.refusedQueueFull++;
        return Promise.reject(
          new RegistryError('UNAVAILABLE', 'every upload worker is busy; try again shortly', {
            retryAfter: POOL_RETRY_AFTER_S,
          }),
        );
      }
      return new Promise<UploadOutcome>((resolve, reject) => {
        queue.push({ id: nextId++, bytes: ownedBytes(bytes), limits, resolve, reject });
        if (idle >= 0) dispatch(idle);
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0))
        job.reject(new RegistryError('UNAVAILABLE', 'the registry is shutting down'));
      await Promise.all(
        slots.map((slot, i) => {
          slots[i] = undefined;
          if (slot?.job) slot.job.reject(new RegistryError('UNAVAILABLE', 'the registry is shutting down'));
          clearTimeout(slot?.timer);
          return slot?.worker.terminate();
        }),
      );
    },
    stats: () => ({
      ...stats,
      running: slots.filter((s) => s?.job).length,
      waiting: queue.length,
    }),
  };
}

/**
 * How to start a worker thread: `upload-worker.js` next to this module in `dist/`. Under tests,
 * where this module is TypeScript source, a small bootstrap registers tsx's loader in the thread
 * and then imports `upload-worker.ts`, with the `source` condition so that `@skills/archive`
 * resolves to its source as well.
 */
function workerEntry(entry: URL | undefined): () => Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const chosen = entry ?? new URL(`./upload-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!chosen.pathname.endsWith('.ts')) return () => new Worker(chosen);
  // tsx's ESM API (the `import` build next to the `require` one that createRequire finds).
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(chosen.href)}); });`;
  return () => new Worker(bootstrap, { eval: true, execArgv: [...process.execArgv, '--conditions=source'] });
}
