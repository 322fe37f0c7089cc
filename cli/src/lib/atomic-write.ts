import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that readers see the old bytes or the new ones, never a mix: a
 * temp file beside it (same directory, so the rename cannot cross file systems), fsync, rename.
 * Throws whatever the file system throws; the temp file is removed on failure.
 * @example await writeFileAtomic('/p/skills-lock.json', text)
 */
export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  options: { mode?: number } = {},
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
