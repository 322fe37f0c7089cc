import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { blobDigest } from '../src/storage/blob-store.ts';
import { createFsBlobStore } from '../src/storage/fs-blob-store.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { openBlobStore } from '../src/storage/open-blob-store.ts';
import { runBlobStoreContract } from './blob-store-contract.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blobs-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('memory', () => runBlobStoreContract(async () => createMemoryBlobStore()));
describe('fs', () => runBlobStoreContract(async () => createFsBlobStore({ dir: await tempDir() })));

describe('fs specifics', () => {
  test('blobs are sharded files, and no temp file survives a put', async () => {
    const dir = await tempDir();
    const store = createFsBlobStore({ dir });
    const bytes = Buffer.from('tarball bytes');
    const digest = blobDigest(bytes);
    await Promise.all(Array.from({ length: 10 }, () => store.put(digest, bytes)));
    expect(await readdir(join(dir, digest.slice(0, 2)))).toEqual([digest]);
    expect((await stat(join(dir, digest.slice(0, 2), digest))).size).toBe(bytes.length);
  });

  test('a failed write leaves no temp file behind', async () => {
    const dir = await tempDir();
    const store = createFsBlobStore({ dir: join(dir, 'file-not-dir') });
    await (await import('node:fs/promises')).writeFile(join(dir, 'file-not-dir'), 'x');
    const bytes = Buffer.from('x');
    await expect(store.put(blobDigest(bytes), bytes)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['file-not-dir']);
  });

  test('staging writes only a temp file; placing renames it, discarding removes it', async () => {
    const dir = await tempDir();
    const store = createFsBlobStore({ dir });
    const bytes = Buffer.from('staged bytes');
    const digest = blobDigest(bytes);
    const folder = join(dir, digest.slice(0, 2));
    const staged = await store.stage!(digest, bytes);
    const [temp, ...more] = await readdir(folder);
    expect(more).toEqual([]);
    expect(temp).toMatch(new RegExp(`^\\.${digest}\\.[0-9a-f]{12}\\.tmp$`));
    await staged.place();
    expect(await readdir(folder)).toEqual([digest]);
    // A blob already in place: the second staging's temp file goes, whether placed or discarded.
    await (await store.stage!(digest, bytes)).place();
    await (await store.stage!(digest, bytes)).discard();
    expect(await readdir(folder)).toEqual([digest]);
  });

  test('openBlobStore picks the adapter from the URL', async () => {
    const dir = await tempDir();
    expect((await openBlobStore(undefined, dir)).kind).toBe('fs');
    expect((await openBlobStore('memory:', dir)).kind).toBe('memory');
    expect((await openBlobStore(`file://${dir}/b`, dir)).kind).toBe('fs');
    expect(
      (await openBlobStore('s3://bucket?endpoint=http://127.0.0.1:1&forcePathStyle=true', dir)).kind,
    ).toBe('s3');
    await expect(openBlobStore('s3://B?endpoint=http://x', dir)).rejects.toThrow(/bad S3 blob store URL/);
    await expect(openBlobStore('ftp://x', dir)).rejects.toThrow(/unsupported/);
  });
});
