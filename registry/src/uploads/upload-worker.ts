import { type MessagePort, parentPort } from 'node:worker_threads';
import { processUpload } from './process-upload.ts';
import { type UploadAnswer, type UploadJob, WORKER_READY } from './upload-messages.ts';
import { ownedBytes } from './upload-pool.ts';

// The entry of an upload worker thread (see worker-pool.ts): answers each job in turn.
if (!parentPort) throw new Error('upload-worker runs only as a worker thread');
const port: MessagePort = parentPort;
port.on('message', (job: UploadJob) => void answer(job));
port.postMessage(WORKER_READY);

async function answer(job: UploadJob): Promise<void> {
  try {
    const outcome = await processUpload(job.bytes, job.limits);
    if (!outcome.ok) return port.postMessage({ id: job.id, outcome } satisfies UploadAnswer);
    const tarball = ownedBytes(outcome.upload.tarball);
    const reply: UploadAnswer = { id: job.id, outcome: { ok: true, upload: { ...outcome.upload, tarball } } };
    port.postMessage(reply, [tarball.buffer]);
  } catch (e) {
    const refusal = {
      code: 'INTERNAL' as const,
      message: 'internal error while reading the upload',
      bug: String((e as Error)?.stack ?? e),
    };
    port.postMessage({ id: job.id, outcome: { ok: false, refusal } } satisfies UploadAnswer);
  }
}
