import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { join, sep } from 'node:path';
import { ArchiveError } from './errors.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { CollisionGuard, checkBundlePath } from './paths.ts';
import type { BundleFile } from './types.ts';

const FILE_MODE = 0o644;
const EXEC_MODE = 0o755;
const DIR_MODE = 0o755;
/** Not defined on Windows, where there are no symlinks to follow by accident in a fresh folder. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes bundle files under `destDir` for installation (docs/security.md rows 1–4): every path is
 * checked again before anything is written; `destDir` must not exist or be an empty folder (not a
 * link); folders are created one level at a time and must come out as real folders; files are
 * created exclusively without following links, with mode 0644 (0755 when executable) whatever the
 * umask; and each file's real path must stay inside `destDir`. On an error, what was written so
 * far stays: callers write into a temporary folder and rename it into place. The file calls are
 * synchronous: a bundle is a few small files, and each asynchronous call (five per file) cost a
 * thread-pool round trip, more than the call itself.
 * @throws ArchiveError DEST_NOT_EMPTY, the path and collision codes of `readArchive`,
 *   LINK_ENTRY when a folder on the way turns out to be a link, PATH_TRAVERSAL when a real path leaves `destDir`.
 * @example await writeFilesSafely((await readArchive(tgz)).files, join(tmp, 'deploy'));
 */
export async function writeFilesSafely(files: BundleFile[], destDir: string): Promise<void> {
  const guard = new CollisionGuard();
  const checked = files.map((f) => {
    const path = checkBundlePath(f.path, DEFAULT_LIMITS);
    guard.addFile(path, f.path);
    return { ...f, path };
  });
  prepareDestination(destDir);
  const root = realpathSync(destDir);
  const madeDirs = new Set<string>();
  for (const file of checked) {
    const segments = file.path.split('/');
    let dir = root;
    for (const segment of segments.slice(0, -1)) {
      dir = join(dir, segment);
      if (madeDirs.has(dir)) continue;
      makeRealDir(dir, file.path);
      madeDirs.add(dir);
    }
    const target = join(dir, segments.at(-1)!);
    const mode = file.executable ? EXEC_MODE : FILE_MODE;
    const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, mode);
    try {
      for (let at = 0; at < file.data.length; ) at += writeSync(fd, file.data, at);
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    const real = realpathSync(target);
    if (!real.startsWith(root + sep)) {
      throw new ArchiveError('PATH_TRAVERSAL', `was written outside the destination (${real})`, file.path);
    }
  }
}

function prepareDestination(destDir: string): void {
  const stat = lstatSync(destDir, { throwIfNoEntry: false });
  if (!stat) {
    mkdirSync(destDir, { recursive: true, mode: DIR_MODE });
    return;
  }
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new ArchiveError(
      'DEST_NOT_EMPTY',
      'the destination must be a new, empty folder, not a link or a file',
      destDir,
    );
  }
  if (readdirSync(destDir).length > 0) {
    throw new ArchiveError('DEST_NOT_EMPTY', 'the destination folder is not empty', destDir);
  }
}

/** Creates `dir` (its parent exists) and proves it is a real folder, not a link planted meanwhile. */
function makeRealDir(dir: string, entry: string): void {
  let created = true;
  try {
    mkdirSync(dir, { mode: DIR_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  }
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new ArchiveError('LINK_ENTRY', 'a folder on its way is a link or a file', entry);
  }
  if (created) chmodSync(dir, DIR_MODE);
}
