/** A message to a pool's thread: one job, answered by a `JobAnswer` with the same `id`. */
export interface JobMessage<Job> {
  id: number;
  job: Job;
}

/** The answer to `JobMessage` `id`. */
export interface JobAnswer<Answer> {
  id: number;
  answer: Answer;
}

/** The first message of a thread, once its modules are loaded. */
export const WORKER_READY = 'ready';
