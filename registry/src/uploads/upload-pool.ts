import { setImmediate } from 'node:timers/promises';
import type { ArchiveLimits } from '@skills/archive';
import { processUpload, type UploadOutcome } from './process-upload.ts';

/**
 * Where the CPU work of a publish runs (reading, inspecting and re-packing the archive).
 * `startServer` passes a pool of worker threads (`createWorkerPool`), so the event loop only
 * moves bytes; `createApp` without one runs the work in process (tests, embedding).
 */
export interface UploadPool {
  /**
   * Processes one upload. `bytes` may be transferred to another thread: the caller must not
   * use it afterwards.
   * @throws RegistryError UNAVAILABLE (503, with Retry-After) when the queue is full.
   */
  run(bytes: Uint8Array, limits: ArchiveLimits): Promise<UploadOutcome>;
  /** Stops every thread; jobs still running fail. */
  close(): Promise<void>;
}

/**
 * Runs each upload on the calling thread: for tests and embedding, never for `serve`. Each runs
 * in a turn of the event loop of its own, as a worker's answer arrives in one: reading a small
 * archive has no await of its own, and uploads that came in together would otherwise run their
 * store work in one microtask queue, interleaved (two SQLite connections in one process, as
 * `test/concurrency.test.ts` makes, would then wait on each other's write lock for the busy
 * timeout).
 */
export function createInProcessPool(): UploadPool {
  return {
    run: async (bytes, limits) => {
      await setImmediate();
      return processUpload(bytes, limits);
    },
    async close() {},
  };
}

/**
 * `bytes` itself when it spans its whole ArrayBuffer, else a copy that does: transferring a
 * slice would detach the rest of the buffer (Node pools small Buffers in one ArrayBuffer).
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const buffer = bytes.buffer;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength)
    return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}
