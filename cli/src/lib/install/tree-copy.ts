import { constants, copyFileSync, mkdirSync } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IndexedFile } from '../store/store-index.ts';

/**
 * Reproduces the folder `src` at `dest` without copying data: folders are recreated, files
 * hard-linked (copied where linking fails), symlinks recreated with the same target text;
 * anything else (FIFOs, sockets, devices) is skipped. Used to carry a user's own skills, and
 * installed skills that do not change, into the new tree unchanged.
 * @example await carryTree('/p/.agents/skills/mine', '/p/.agents/.staging-1/mine')
 */
export async function carryTree(src: string, dest: string): Promise<void> {
  const s = await lstat(src);
  if (s.isSymbolicLink()) {
    await symlink(await readlink(src), dest);
  } else if (s.isDirectory()) {
    await mkdir(dest, { mode: s.mode & 0o7777 });
    for (const name of await readdir(src)) await carryTree(join(src, name), join(dest, name));
  } else if (s.isFile()) {
    await link(src, dest).catch(() => copyFile(src, dest));
  }
}

/**
 * Copies the listed files of a stored bundle into `dest` (a new folder). Copies rather than links
 * so that editing an installed file can never change the store. A copy keeps its source's mode,
 * and the store checked that mode (0755 for executables, 0644 otherwise) before anything is
 * copied from it (`ensureInStore`). Synchronous, as pnpm imports packages: for small local files
 * each asynchronous call costs a thread-pool round trip, several times the copy itself.
 * @example await copyFromStore(join(entry.packageDir, 'skills/lint'), skillFiles(index, 'skills/lint'), dest)
 */
export async function copyFromStore(
  srcDir: string,
  files: readonly IndexedFile[],
  dest: string,
): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const made = new Set<string>([dest]);
  for (const f of files) {
    const to = join(dest, f.path);
    const dir = dirname(to);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    // A copy-on-write clone where the file system has them (APFS, Btrfs, XFS): no data copied.
    copyFileSync(join(srcDir, f.path), to, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  }
}
