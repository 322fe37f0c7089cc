import { type MessagePort, parentPort } from 'node:worker_threads';
import { type JobAnswer, type JobMessage, WORKER_READY } from './thread-messages.ts';

/**
 * The thread's side of `createThreadPool`: answers each job with `handle`'s answer, whose
 * `transfer` buffers move back instead of being copied. `handle` must not throw: an error is
 * part of its answer (a throw would leave the job unanswered until the pool closes). Call it
 * once the entry's modules are loaded: it tells the pool the thread is ready.
 */
export function serveJobs<Job, Answer>(
  handle: (
    job: Job,
  ) => Promise<{ answer: Answer; transfer?: ArrayBuffer[] }> | { answer: Answer; transfer?: ArrayBuffer[] },
): void {
  if (!parentPort) throw new Error('a pool job entry runs only as a worker thread');
  const port: MessagePort = parentPort;
  port.on('message', async (message: JobMessage<Job>) => {
    const { answer, transfer } = await handle(message.job);
    port.postMessage({ id: message.id, answer } satisfies JobAnswer<Answer>, transfer ?? []);
  });
  port.postMessage(WORKER_READY);
}
