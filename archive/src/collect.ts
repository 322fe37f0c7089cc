import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveError } from './errors.ts';
import { compileIgnore, IGNORE_FILE, type IgnoreMatcher, isIgnored } from './ignore.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { CollisionGuard, checkBundlePath } from './paths.ts';
import type { BundleFile } from './types.ts';

export interface WalkResult {
  files: BundleFile[];
  /** Everything that keeps the folder from being packed: links, special files, bad names, sizes. */
  refusals: ArchiveError[];
}

/**
 * Walks `dir` for packing and reports every refusal instead of stopping at the first.
 * Never follows a symbolic link: a link is a refusal (LINK_ENTRY), as is a FIFO, socket or
 * device (SPECIAL_ENTRY). Files come back sorted by path.
 */
export async function walkBundle(dir: string): Promise<WalkResult> {
  const limits = DEFAULT_LIMITS;
  const files: BundleFile[] = [];
  const refusals: ArchiveError[] = [];
  const guard = new CollisionGuard();
  const ignoreText = await readFile(join(dir, IGNORE_FILE), 'utf8').catch(() => '');
  const userIgnored: IgnoreMatcher = compileIgnore(ignoreText);
  let total = 0;
  let stopped = false;

  const visit = async (abs: string, rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      throw new ArchiveError('INVALID_PATH', `cannot read the folder: ${(e as Error).message}`, rel || '.');
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (stopped) return;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const childAbs = join(abs, entry.name);
      if (isIgnored(childRel) || userIgnored(childRel, entry.isDirectory())) continue;
      try {
        if (entry.isSymbolicLink()) {
          throw new ArchiveError(
            'LINK_ENTRY',
            'is a symbolic link; a bundle holds regular files only (copy the file instead)',
            childRel,
          );
        }
        if (!entry.isDirectory() && !entry.isFile()) {
          throw new ArchiveError('SPECIAL_ENTRY', 'is not a regular file or a folder', childRel);
        }
        const path = checkBundlePath(childRel, limits);
        if (entry.isDirectory()) {
          guard.addDir(path, childRel);
          await visit(childAbs, childRel);
          continue;
        }
        guard.addFile(path, childRel);
        const stat = await lstat(childAbs);
        if (stat.size > limits.maxFileBytes) {
          throw new ArchiveError(
            'FILE_TOO_LARGE',
            `${stat.size} bytes, over the per-file limit of ${limits.maxFileBytes}`,
            childRel,
          );
        }
        if (files.length >= limits.maxEntries) {
          throw new ArchiveError('TOO_MANY_ENTRIES', `more than ${limits.maxEntries} files`, childRel);
        }
        total += stat.size;
        if (total > limits.maxUnpackedBytes) {
          throw new ArchiveError(
            'UNPACKED_TOO_LARGE',
            `files add up to more than ${limits.maxUnpackedBytes} bytes`,
            childRel,
          );
        }
        files.push({ path, data: await readFile(childAbs), executable: (stat.mode & 0o111) !== 0 });
      } catch (e) {
        if (!(e instanceof ArchiveError)) throw e;
        refusals.push(e);
        if (e.code === 'TOO_MANY_ENTRIES' || e.code === 'UNPACKED_TOO_LARGE') stopped = true;
      }
    }
  };

  await visit(dir, '');
  files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return { files, refusals };
}

/**
 * Reads a folder into bundle files, leaving out what `isIgnored` and `.skillsignore` name.
 * Paths are POSIX and NFC; `executable` is true when any x bit is set on disk.
 * @throws ArchiveError LINK_ENTRY for a symbolic link (never followed), SPECIAL_ENTRY for a FIFO,
 *   socket or device, and the path, collision and size codes of `readArchive`: the first found.
 * @example const files = await collectFiles('./my-skill');
 */
export async function collectFiles(dir: string): Promise<BundleFile[]> {
  const { files, refusals } = await walkBundle(dir);
  const first = refusals[0];
  if (first) throw first;
  return files;
}
