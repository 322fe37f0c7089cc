import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from './blob-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';
import { createMemoryBlobStore } from './memory-blob-store.ts';
import { parseS3Url } from './s3-url.ts';

/**
 * The blob store a `--blob-store` value names: unset → `DATA_DIR/blobs`; `file:///path` or a
 * path → that directory; `memory:` → in memory; `s3://BUCKET[/PREFIX]?endpoint=…&region=…&
 * forcePathStyle=true[&presign=SECONDS]` → an S3 bucket (see `parseS3Url`; credentials from the
 * URL or the AWS variables in `env`).
 * The AWS SDK is loaded only for an s3:// URL (it adds ~0.3 s of CPU to every process start).
 * @throws Error for an unknown scheme; S3UrlError for a malformed s3:// URL.
 */
export async function openBlobStore(
  url: string | undefined,
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<BlobStore> {
  if (!url) return createFsBlobStore({ dir: join(dataDir, 'blobs') });
  if (url === 'memory:') return createMemoryBlobStore();
  if (url.startsWith('file:')) return createFsBlobStore({ dir: fileURLToPath(url) });
  if (url.startsWith('s3:')) {
    const config = parseS3Url(url, env);
    const { createS3BlobStore } = await import('./s3-blob-store.ts');
    return createS3BlobStore(config);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !isAbsolute(url)) {
    throw new Error(`unsupported blob store URL: ${url.replace(/[?#].*$/, '')}`);
  }
  return createFsBlobStore({ dir: resolve(url) });
}
