import type { ArchiveLimits } from '@skills/archive';
import type { UploadOutcome } from './process-upload.ts';

/** A message to an upload worker: one job. `bytes` is transferred, not copied. */
export interface UploadJob {
  id: number;
  bytes: Uint8Array;
  limits: ArchiveLimits;
}

/** The answer to `UploadJob` `id`; a re-packed tarball is transferred back. */
export interface UploadAnswer {
  id: number;
  outcome: UploadOutcome;
}

/** The first message of a thread, once its modules are loaded. */
export const WORKER_READY = 'ready';
