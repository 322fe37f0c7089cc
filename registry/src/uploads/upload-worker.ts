import { serveJobs } from '../threads/serve-jobs.ts';
import { processUpload, type UploadOutcome } from './process-upload.ts';
import type { UploadJob } from './upload-messages.ts';
import { ownedBytes } from './upload-pool.ts';

// The entry of an upload worker thread (see worker-pool.ts): answers each job in turn; a
// re-packed tarball is transferred back.
serveJobs<UploadJob, UploadOutcome>(async (job) => {
  try {
    const outcome = await processUpload(job.bytes, job.limits);
    if (!outcome.ok) return { answer: outcome };
    const tarball = ownedBytes(outcome.upload.tarball);
    return { answer: { ok: true, upload: { ...outcome.upload, tarball } }, transfer: [tarball.buffer] };
  } catch (e) {
    const refusal = {
      code: 'INTERNAL' as const,
      message: 'internal error while reading the upload',
      bug: String((e as Error)?.stack ?? e),
    };
    return { answer: { ok: false, refusal } };
  }
});
