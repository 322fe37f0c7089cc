import * as fsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { blobDigest } from '../src/storage/blob-store.ts';
import { type BlobFs, createFsBlobStore } from '../src/storage/fs-blob-store.ts';
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

  test('the temp file is fsynced before its rename and the folder after it; placing waits for nothing else', async () => {
    const dir = await tempDir();
    const { fs, calls } = recordingFs(dir);
    const store = createFsBlobStore({ dir, fs });
    const bytes = Buffer.from('durable bytes');
    const digest = blobDigest(bytes);
    await store.put(digest, bytes); // makes the folder
    const other = Buffer.from('more durable bytes');
    const otherDigest = blobDigest(other);
    await mkdir(join(dir, otherDigest.slice(0, 2)), { recursive: true });
    calls.length = 0;
    const staged = await store.stage!(otherDigest, other);
    calls.push('place');
    await staged.place();
    calls.push('placed');
    await new Promise((r) => setTimeout(r, 50)); // the folder's close, unawaited
    const folder = otherDigest.slice(0, 2);
    const temp = calls.find((c) => c.startsWith('open ') && c.endsWith('.tmp'))!.slice('open '.length);
    const at = (call: string) => calls.indexOf(call);
    expect(at(`sync ${temp}`)).toBeGreaterThan(at(`write ${temp}`));
    expect(at(`rename ${temp}`)).toBeGreaterThan(at(`sync ${temp}`));
    expect(at(`sync ${folder}`)).toBeGreaterThan(at(`rename ${temp}`));
    expect(at(`sync ${folder}`)).toBeLessThan(at('placed'));
    // What placing waits for: the rename and the folder's fsync.
    const inPlace = calls.slice(at('place') + 1, at('placed')).filter((c) => !c.startsWith('close'));
    expect(inPlace).toEqual([`rename ${temp}`, `sync ${folder}`]);
    expect(at(`stat ${folder}/${otherDigest}`)).toBeLessThan(at('place'));
    // Every handle opened is closed.
    const opened = calls.filter((c) => c.startsWith('open ')).map((c) => c.slice('open '.length));
    expect(opened.sort()).toEqual([folder, temp].sort());
    expect(
      calls
        .filter((c) => c.startsWith('close '))
        .map((c) => c.slice('close '.length))
        .sort(),
    ).toEqual(opened.sort());
    expect(await readdir(join(dir, folder))).toEqual([otherDigest]);
  });

  test('a discarded staging closes the folder it opened and removes its temp file', async () => {
    const dir = await tempDir();
    const { fs, calls } = recordingFs(dir);
    const store = createFsBlobStore({ dir, fs });
    const bytes = Buffer.from('discarded bytes');
    const digest = blobDigest(bytes);
    await (await store.stage!(digest, bytes)).discard();
    await new Promise((r) => setTimeout(r, 50));
    const opened = calls.filter((c) => c.startsWith('open ')).length;
    expect(calls.filter((c) => c.startsWith('close ')).length).toBe(opened);
    expect(await readdir(join(dir, digest.slice(0, 2)))).toEqual([]);
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

/** The real file calls, each recorded (paths relative to `dir`) when it has completed. */
function recordingFs(dir: string): { fs: BlobFs; calls: string[] } {
  const calls: string[] = [];
  const rel = (path: unknown) => String(path).slice(dir.length + 1);
  const fs: BlobFs = {
    ...fsPromises,
    stat: (async (path: string) => {
      try {
        return await fsPromises.stat(path);
      } finally {
        calls.push(`stat ${rel(path)}`);
      }
    }) as BlobFs['stat'],
    rename: async (from, to) => {
      await fsPromises.rename(from, to);
      calls.push(`rename ${rel(from)}`);
    },
    open: (async (path: string, flags?: string, mode?: number) => {
      const handle = await fsPromises.open(path, flags, mode);
      const name = rel(path);
      calls.push(`open ${name}`);
      const wrap = (m: 'sync' | 'close' | 'writeFile') => {
        const f = handle[m].bind(handle) as (...a: unknown[]) => Promise<void>;
        (handle as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
          await f(...a);
          calls.push(`${m === 'writeFile' ? 'write' : m} ${name}`);
        };
      };
      wrap('sync');
      wrap('close');
      wrap('writeFile');
      return handle;
    }) as BlobFs['open'],
  };
  return { fs, calls };
}
