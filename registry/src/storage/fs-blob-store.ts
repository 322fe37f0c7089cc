import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { assertDigest, type BlobStore, DIGEST_PATTERN } from './blob-store.ts';

/**
 * A BlobStore in a directory: `DIR/ab/abcdef…` per blob. `put` writes a temp file in the same
 * directory, fsyncs it, renames it into place and fsyncs the directory, so a crash leaves the
 * old state or the new one, never a torn blob; `stage` is the first half (the temp file, which no
 * reader sees), `place` the second. Safe for several processes on one directory.
 */
export function createFsBlobStore(options: { dir: string }): BlobStore {
  const { dir } = options;
  const pathOf = (digest: string) => join(dir, digest.slice(0, 2), digest);
  /**
   * Writes `bytes` to a temp file in the blob's folder and fsyncs it. `place` renames it into
   * place and fsyncs the folder, unless the blob is there by then (blobs never change).
   */
  async function stage(digest: string, bytes: Uint8Array) {
    assertDigest(digest, bytes);
    const final = pathOf(digest);
    const folder = join(dir, digest.slice(0, 2));
    const temp = join(folder, `.${digest}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await createIn(folder, temp);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const discard = () => rm(temp, { force: true });
    return {
      async place() {
        if (await exists(final)) return discard();
        try {
          await rename(temp, final);
        } catch (error) {
          await discard();
          throw error;
        }
        await syncDirectory(folder);
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
async function createIn(folder: string, temp: string) {
  try {
    return await open(temp, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(folder, { recursive: true });
    return open(temp, 'wx', 0o644);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
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

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
