import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry } from './helpers/test-registry.ts';

/** The three ways a tarball GET answers: from the cache, streamed from the blob store, redirected. */

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Counts calls of each blob-store method; `presign` adds a presignedUrl. */
function counting(presign?: (digest: string) => string) {
  const calls: Record<string, number> = {};
  const wrap = (inner: BlobStore): BlobStore => {
    const counted = { ...inner };
    for (const m of ['get', 'stream', 'has'] as const) {
      counted[m] = ((...args: [string]) => {
        calls[m] = (calls[m] ?? 0) + 1;
        return (inner[m] as (d: string) => Promise<unknown>)(...args);
      }) as never;
    }
    if (presign) counted.presignedUrl = async (digest) => presign(digest);
    return counted;
  };
  return { calls, wrap };
}

async function published(options: { tarballCacheBytes?: number; presign?: (d: string) => string } = {}) {
  const { calls, wrap } = counting(options.presign);
  const reg = await makeTestRegistry(
    options.tarballCacheBytes === undefined ? {} : { tarballCacheBytes: options.tarballCacheBytes },
    { blobs: wrap },
  );
  const token = await reg.user('alice');
  expect((await reg.publish(token, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
  const doc = (await (await reg.call('GET', '/v1/bundles/tool')).json()) as {
    versions: Record<string, { integrity: string; tarball: string }>;
  };
  const v = doc.versions['1.0.0']!;
  return { reg, calls, path: new URL(v.tarball).pathname, integrity: v.integrity };
}

describe('tarball GET', () => {
  test('small tarballs are read once, checked, then served from memory', async () => {
    const { reg, calls, path, integrity } = await published();
    const first = await reg.call('GET', path);
    const second = await reg.call('GET', path);
    expect(Buffer.from(await first.arrayBuffer()).equals(Buffer.from(await second.arrayBuffer()))).toBe(true);
    expect(second.headers.get('etag')).toBe(`"${integrity}"`);
    expect(calls).toEqual({ get: 1 });
    await reg.close();
  });

  test('a tarball too big for the cache streams from the blob store each time, with its length', async () => {
    const { reg, calls, path, integrity } = await published({ tarballCacheBytes: 0 });
    for (let i = 0; i < 2; i++) {
      const answer = await reg.call('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe(IMMUTABLE);
      expect(answer.headers.get('etag')).toBe(`"${integrity}"`);
      const bytes = Buffer.from(await answer.arrayBuffer());
      expect(Number(answer.headers.get('content-length'))).toBe(bytes.length);
      expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(integrity);
    }
    expect(calls).toEqual({ stream: 2 });
    expect((await reg.call('GET', path, { headers: { 'if-none-match': `"${integrity}"` } })).status).toBe(
      304,
    );
    expect(calls).toEqual({ stream: 2 });
    await reg.close();
  });

  test('a presigning blob store gets a 302 that is not cached; If-None-Match still gives 304', async () => {
    const { reg, calls, path, integrity } = await published({
      presign: (d) => `https://blobs.example/${d}?sig=x`,
    });
    const answer = await reg.call('GET', path);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toMatch(/^https:\/\/blobs\.example\/[0-9a-f]{64}\?sig=x$/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('etag')).toBe(`"${integrity}"`);
    expect((await reg.call('GET', path, { headers: { 'if-none-match': `"${integrity}"` } })).status).toBe(
      304,
    );
    expect(calls).toEqual({});
    await reg.close();
  });

  test('bytes in the blob store that are not the published ones are refused, not served', async () => {
    const { reg, path } = await published();
    const [digest] = await reg.blobs.list();
    await reg.blobs.delete(digest!);
    // Foreign bytes under the digest, written behind the store's back as damage would.
    await mkdir(join(reg.blobDir, digest!.slice(0, 2)), { recursive: true });
    await writeFile(join(reg.blobDir, digest!.slice(0, 2), digest!), 'not the tarball');
    const answer = await reg.call('GET', path);
    expect(answer.status).toBe(500);
    expect(reg.logs.some((l) => String(l.error).includes('is not the published bytes'))).toBe(true);
    await reg.close();
  });
});
