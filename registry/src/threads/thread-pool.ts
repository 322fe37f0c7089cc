import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type JobAnswer, type JobMessage, WORKER_READY } from './thread-messages.ts';

export interface ThreadPoolOptions<Job, Answer> {
  /** Threads, each started on first use. */
  size: number;
  /** The thread's entry module (`.js`, or `.ts` under tests: see `workerStarter`). */
  entry: URL;
  /** Handed to every thread as `workerData`. */
  workerData?: unknown;
  /** Names the threads in errors: "upload worker exited with code 1". */
  name: string;
  /** Jobs that may wait for a thread; one more is refused with `queueFull()`. Default unbounded. */
  queueLimit?: number;
  queueFull?: () => Error;
  /**
   * Wall-clock budget of one job, counted from when its thread is ready; past it the thread is
   * terminated, replaced on next use, and the job answers `overBudget(job)`. Default none.
   */
  budgetMs?: number;
  overBudget?: (job: Job) => Answer;
  /** Buffers of a job to transfer instead of copy; the caller must not use them afterwards. */
  transfer?: (job: Job) => ArrayBuffer[];
  /** What jobs waiting or running are rejected with when the pool closes. */
  closedError: () => Error;
}

/** What the pool did, for tests and metrics. */
export interface ThreadPoolStats {
  /** Threads the pool runs at most (each started on first use). */
  size: number;
  threadsStarted: number;
  /** Threads started that have not exited yet (0 once `close()` has resolved). */
  threadsAlive: number;
  jobsDone: number;
  jobsOverBudget: number;
  refusedQueueFull: number;
  /** Jobs on a thread now. */
  running: number;
  /** Jobs waiting for a thread now. */
  waiting: number;
}

export interface ThreadPool<Job, Answer> {
  /** Runs `job` on a thread; rejects when its thread dies or the pool closes meanwhile. */
  run(job: Job): Promise<Answer>;
  /** Stops every thread; jobs waiting or running are rejected with `closedError()`. */
  close(): Promise<void>;
  stats(): ThreadPoolStats;
}

interface Pending<Job, Answer> {
  id: number;
  job: Job;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

interface Slot<Job, Answer> {
  worker: Worker;
  /** Set once the thread has loaded its modules: a job's budget starts then, not at spawn. */
  ready: boolean;
  pending?: Pending<Job, Answer>;
  timer?: NodeJS.Timeout;
}

/**
 * A fixed pool of worker threads, each running one job at a time (the thread's side is
 * `serveJobs`). Threads start on first use, are unref'd (they never keep the process alive) and
 * are replaced on next use when one dies: the job it was running is rejected with the error,
 * jobs waiting go on to the new thread. The uploads (`uploads/worker-pool.ts`) and SQLite search
 * (`db/sqlite/search-threads.ts`) run on it.
 * @example const pool = createThreadPool<Job, Answer>({ size: 1, entry, name: 'search worker', closedError })
 */
export function createThreadPool<Job, Answer>(
  options: ThreadPoolOptions<Job, Answer>,
): ThreadPool<Job, Answer> {
  const newWorker = workerStarter(options.entry, options.workerData);
  const slots: (Slot<Job, Answer> | undefined)[] = Array.from(
    { length: Math.max(1, options.size) },
    () => undefined,
  );
  const queue: Pending<Job, Answer>[] = [];
  const stats = { threadsStarted: 0, threadsAlive: 0, jobsDone: 0, jobsOverBudget: 0, refusedQueueFull: 0 };
  const queueLimit = options.queueLimit ?? Number.POSITIVE_INFINITY;
  let nextId = 1;
  let closed = false;

  function startThread(index: number): Slot<Job, Answer> {
    const worker = newWorker();
    worker.unref();
    stats.threadsStarted++;
    stats.threadsAlive++;
    const slot: Slot<Job, Answer> = { worker, ready: false };
    worker.on('message', (message: JobAnswer<Answer> | typeof WORKER_READY) => {
      if (message === WORKER_READY) {
        slot.ready = true;
        if (slot.pending) startBudget(index, slot);
        return;
      }
      if (slot.pending?.id !== message.id) return;
      finish(index, slot, (p) => p.resolve(message.answer));
    });
    worker.on('error', (error) => retire(index, slot, error));
    worker.on('exit', (code) => {
      stats.threadsAlive--;
      retire(index, slot, new Error(`${options.name} exited with code ${code}`));
    });
    return slot;
  }

  function finish(index: number, slot: Slot<Job, Answer>, settle: (p: Pending<Job, Answer>) => void): void {
    const pending = slot.pending;
    clearTimeout(slot.timer);
    slot.pending = undefined;
    slot.timer = undefined;
    if (pending) {
      stats.jobsDone++;
      settle(pending);
    }
    dispatch(index);
  }

  // A thread that died or was stopped: its job fails and the slot starts a fresh thread on next use.
  function retire(index: number, slot: Slot<Job, Answer>, error: unknown): void {
    if (slots[index] !== slot) return;
    slots[index] = undefined;
    finish(index, slot, (p) => p.reject(error));
  }

  function dispatch(index: number): void {
    if (closed || slots[index]?.pending) return;
    const pending = queue.shift();
    if (!pending) return;
    const slot = slots[index] ?? startThread(index);
    slots[index] = slot;
    slot.pending = pending;
    if (slot.ready) startBudget(index, slot);
    const message: JobMessage<Job> = { id: pending.id, job: pending.job };
    slot.worker.postMessage(message, options.transfer?.(pending.job) ?? []);
  }

  function startBudget(index: number, slot: Slot<Job, Answer>): void {
    if (options.budgetMs === undefined) return;
    slot.timer = setTimeout(() => overBudget(index, slot), options.budgetMs);
    slot.timer.unref();
  }

  function overBudget(index: number, slot: Slot<Job, Answer>): void {
    if (slots[index] !== slot) return;
    stats.jobsOverBudget++;
    slots[index] = undefined;
    void slot.worker.terminate();
    finish(index, slot, (p) =>
      options.overBudget
        ? p.resolve(options.overBudget(p.job))
        : p.reject(new Error(`${options.name} took longer than its budget of ${options.budgetMs} ms`)),
    );
  }

  return {
    run(job) {
      if (closed) return Promise.reject(options.closedError());
      const idle = slots.findIndex((s) => !s?.pending);
      if (idle < 0 && queue.length >= queueLimit) {
        stats.refusedQueueFull++;
        return Promise.reject(options.queueFull?.() ?? new Error(`every ${options.name} is busy`));
      }
      return new Promise<Answer>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve, reject });
        if (idle >= 0) dispatch(idle);
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(options.closedError());
      await Promise.all(
        slots.map((slot, i) => {
          slots[i] = undefined;
          if (slot?.pending) slot.pending.reject(options.closedError());
          clearTimeout(slot?.timer);
          return slot?.worker.terminate();
        }),
      );
    },
    stats: () => ({
      size: slots.length,
      ...stats,
      running: slots.filter((s) => s?.pending).length,
      waiting: queue.length,
    }),
  };
}

/**
 * How to start a worker thread on `entry`. A `.js` entry (the built `dist/`) starts as it is.
 * A `.ts` entry (under tests, where the pool's own module is TypeScript source) starts through a
 * small bootstrap that registers tsx's loader in the thread and then imports it, with the
 * `source` condition so that workspace packages resolve to their sources as well. Callers pick
 * the extension from their own `import.meta.url` (see `siblingEntry`).
 */
export function workerStarter(entry: URL, workerData?: unknown): () => Worker {
  if (!entry.pathname.endsWith('.ts')) return () => new Worker(entry, { workerData });
  // tsx's ESM API (the `import` build next to the `require` one that createRequire finds).
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return () =>
    new Worker(bootstrap, { eval: true, workerData, execArgv: [...process.execArgv, '--conditions=source'] });
}

/**
 * The entry module `name` next to the module at `moduleUrl`: `name.js` in the built `dist/`,
 * `name.ts` when `moduleUrl` is itself TypeScript source (vitest, tsx).
 * @example siblingEntry(import.meta.url, 'upload-worker')
 */
export function siblingEntry(moduleUrl: string, name: string): URL {
  return new URL(`./${name}.${moduleUrl.endsWith('.ts') ? 'ts' : 'js'}`, moduleUrl);
}
