import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { type FileHandle, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { assertDigest, type BlobStore, DIGEST_PATTERN } from './blob-store.ts';

/** The file calls the fs store makes; tests pass wrapped ones to see their order. */
export type BlobFs = Pick<typeof fsPromises, 'open' | 'mkdir' | 'rename' | 'rm' | 'stat'>;

/**
 * A BlobStore in a directory: `DIR/ab/abcdef…` per blob. `put` writes a temp file in the same
 * directory, fsyncs it, renames it into place and fsyncs the directory, so a crash leaves the
 * old state or the new one, never a torn blob; `stage` is the first half (the temp file, which no
 * reader sees), `place` the second. Safe for several processes on one directory.
 */
export function createFsBlobStore(options: { dir: string; fs?: BlobFs }): BlobStore {
  const { dir } = options;
  const fs = options.fs ?? fsPromises;
  const pathOf = (digest: string) => join(dir, digest.slice(0, 2), digest);
  const exists = (path: string) => existsWith(fs, path);
  /**
   * Writes `bytes` to a temp file in the blob's folder and fsyncs it. `place` renames it into
   * place and fsyncs the folder, unless the blob was there already (blobs never change: one
   * that lands after the look is replaced by the same bytes).
   * Each file call is a trip to libuv's thread pool, so what `place` needs besides the rename
   * and the fsync is done beside the staging: the folder is opened and the blob looked for
   * while the temp file is written, and the temp file closed while the caller claims the
   * version (`place` waits for that close, which is done by then). The folder's handle is
   * closed after its fsync, unawaited (closing a read-only directory handle loses nothing).
   */
  async function stage(digest: string, bytes: Uint8Array) {
    assertDigest(digest, bytes);
    const final = pathOf(digest);
    const folder = join(dir, digest.slice(0, 2));
    const temp = join(folder, `.${digest}.${randomBytes(6).toString('hex')}.tmp`);
    let folderHandle: Promise<FileHandle> | undefined;
    const closeFolder = () => {
      const opened = folderHandle;
      folderHandle = undefined;
      void opened?.then((h) => h.close()).catch(() => {});
    };
    let closing: Promise<void>;
    let there: Promise<boolean>;
    try {
      const file = await createIn(fs, folder, temp);
      folderHandle = fs.open(folder, 'r');
      folderHandle.catch(() => {});
      there = exists(final);
      there.catch(() => {});
      try {
        await file.writeFile(bytes);
        await file.sync();
      } catch (error) {
        await file.close().catch(() => {});
        throw error;
      }
      closing = file.close();
      closing.catch(() => {});
    } catch (error) {
      closeFolder();
      await fs.rm(temp, { force: true });
      throw error;
    }
    const discard = async () => {
      closeFolder();
      await closing.catch(() => {});
      await fs.rm(temp, { force: true });
    };
    return {
      async place() {
        try {
          await closing;
          if (await there) return await discard();
          await fs.rename(temp, final);
        } catch (error) {
          await discard();
          throw error;
        }
        const opened = folderHandle;
        folderHandle = undefined;
        const handle = await (opened ?? fs.open(folder, 'r'));
        try {
          await handle.sync();
        } finally {
          void handle.close().catch(() => {});
        }
      },
      discard,
    };
  }
  return {
    kind: 'fs',
    async put(digest, bytes) {
      assertDigest(digest, bytes);
      if (await exists(pathOf(digest))) return;
      await (await stage(digest, bytes)).place();
    },
    stage,
    async get(digest) {
      assertDigest(digest);
      return readFile(pathOf(digest)).catch(absentAsUndefined);
    },
    async stream(digest) {
      assertDigest(digest);
      const path = pathOf(digest);
      if (!(await exists(path))) return undefined;
      return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    },
    async has(digest) {
      assertDigest(digest);
      return exists(pathOf(digest));
    },
    async delete(digest) {
      assertDigest(digest);
      await rm(pathOf(digest), { force: true });
    },
    async list() {
      const out: string[] = [];
      const folders = await readdir(dir).catch(() => [] as string[]);
      for (const folder of folders) {
        const names = await readdir(join(dir, folder)).catch(() => [] as string[]);
        out.push(...names.filter((n) => DIGEST_PATTERN.test(n)));
      }
      return out.sort();
    },
  };
}

/**
 * Creates `temp` (exclusively) in `folder`, making the folder only when it is missing: most
 * puts land in one of the 256 folders that already exist, and skip a mkdir call.
 */
async function createIn(fs: BlobFs, folder: string, temp: string) {
  try {
    return await fs.open(temp, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fs.mkdir(folder, { recursive: true });
    return fs.open(temp, 'wx', 0o644);
  }
}

async function existsWith(fs: BlobFs, path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    },
  );
}

function absentAsUndefined(e: NodeJS.ErrnoException): undefined {
  if (e.code === 'ENOENT') return undefined;
  throw e;
}
