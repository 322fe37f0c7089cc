import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from './blob-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { createMemoryBlobStore } from './memory-blob-store.ts';

/**
 * The blob store a `--blob-store` value names: unset → `DATA_DIR/blobs`; `file:///path` or a
 * path → that directory; `memory:` → in memory. `s3://…` is refused until an S3 adapter exists.
 */
export function openBlobStore(url: string | undefined, dataDir: string): BlobStore {
  if (!url) return createFsBlobStore({ dir: join(dataDir, 'blobs') });
  if (url === 'memory:') return createMemoryBlobStore();
  if (url.startsWith('file:')) return createFsBlobStore({ dir: fileURLToPath(url) });
  if (url.startsWith('s3:')) {
    throw new Error(
      'S3 blob storage is not built yet: leave --blob-store unset to keep tarballs in the data dir',
    );
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !isAbsolute(url)) {
    throw new Error(`unsupported blob store URL: ${url}`);
  }
  return createFsBlobStore({ dir: resolve(url) });
}
