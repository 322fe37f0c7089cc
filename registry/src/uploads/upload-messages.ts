import type { ArchiveLimits } from '@skills/archive';

/** One upload for a worker thread: `bytes` is transferred, not copied (it spans its whole buffer). */
export interface UploadJob {
  bytes: Uint8Array<ArrayBuffer>;
  limits: ArchiveLimits;
}
