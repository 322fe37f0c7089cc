import { ArchiveError } from './errors.ts';
import type { ArchiveLimits } from './limits.ts';

const CONTROL = /[\u0000-\u001f\u007f]/;
/** Characters Windows refuses in a file name; a bundle holding them could not be installed there. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const DRIVE = /^[A-Za-z]:/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Refuses a raw entry name that could point outside the extraction folder, before any root is
 * stripped: NUL and control characters, backslashes, absolute paths, drive letters and `..`.
 * @throws ArchiveError INVALID_PATH, BACKSLASH_PATH, ABSOLUTE_PATH or PATH_TRAVERSAL naming `raw`.
 */
export function checkRawName(raw: string): void {
  if (raw.length === 0) throw new ArchiveError('INVALID_PATH', 'empty entry name', raw);
  if (CONTROL.test(raw))
    throw new ArchiveError('INVALID_PATH', 'entry name holds a NUL or control character', raw);
  if (raw.includes('\\')) throw new ArchiveError('BACKSLASH_PATH', 'entry name holds a backslash', raw);
  if (raw.startsWith('/')) throw new ArchiveError('ABSOLUTE_PATH', 'entry name is an absolute path', raw);
  if (raw.split('/').some((s) => DRIVE.test(s))) {
    throw new ArchiveError('ABSOLUTE_PATH', 'entry name holds a drive letter', raw);
  }
  if (raw.split('/').some((s) => s === '..')) {
    throw new ArchiveError('PATH_TRAVERSAL', 'entry name holds a ".." segment', raw);
  }
}

/**
 * Checks a path relative to the bundle root (`skills/a/SKILL.md`) and returns it in NFC.
 * Besides the raw-name rules: no empty or `.` segments, no characters or device names Windows
 * refuses, no segment ending in a dot or a space, and the length and depth caps.
 * @throws ArchiveError with the code of the first rule broken, naming `entry` (default: `path`).
 * @example checkBundlePath('a/../b', DEFAULT_LIMITS) // throws PATH_TRAVERSAL
 */
export function checkBundlePath(
  path: string,
  limits: Pick<ArchiveLimits, 'maxPathLength' | 'maxPathDepth'>,
  entry: string = path,
): string {
  checkRawName(path);
  if (LONE_SURROGATE.test(path)) throw new ArchiveError('INVALID_PATH', 'path is not valid Unicode', entry);
  const nfc = path.normalize('NFC');
  const segments = nfc.split('/');
  for (const s of segments) {
    if (s === '' || s === '.')
      throw new ArchiveError('INVALID_PATH', 'path has an empty or "." segment', entry);
    if (WINDOWS_FORBIDDEN.test(s)) {
      throw new ArchiveError(
        'INVALID_PATH',
        'path holds one of < > : " | ? * (not allowed on Windows)',
        entry,
      );
    }
    if (WINDOWS_DEVICE.test(s))
      throw new ArchiveError('INVALID_PATH', `"${s}" is a reserved device name on Windows`, entry);
    if (/[. ]$/.test(s))
      throw new ArchiveError('INVALID_PATH', 'a path segment ends with a dot or a space', entry);
  }
  if (nfc.length > limits.maxPathLength) {
    throw new ArchiveError(
      'PATH_TOO_LONG',
      `path is ${nfc.length} characters, over the limit of ${limits.maxPathLength}`,
      entry,
    );
  }
  if (segments.length > limits.maxPathDepth) {
    throw new ArchiveError(
      'PATH_TOO_DEEP',
      `path is ${segments.length} levels deep, over the limit of ${limits.maxPathDepth}`,
      entry,
    );
  }
  return nfc;
}

/**
 * The form two paths are compared in: they collide on a case-insensitive or normalising file system.
 * @example collisionKey('Caf\u00e9.md') === collisionKey('cafe\u0301.MD') // true
 */
export function collisionKey(path: string): string {
  return path.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/**
 * Tracks the files and folders of a bundle and refuses two names that would land on the same
 * spot on a case-insensitive or Unicode-normalising file system, and a file that is also a folder.
 * @example const guard = new CollisionGuard(); guard.addFile('A.md'); guard.addFile('a.md'); // throws NAME_COLLISION
 */
export class CollisionGuard {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Map<string, string>();

  /**
   * Adds a file at `path` (NFC, relative to the root); `entry` is its name as found, for messages.
   * @throws ArchiveError NAME_COLLISION
   */
  addFile(path: string, entry: string = path): void {
    const key = collisionKey(path);
    const clash = this.files.get(key) ?? this.dirs.get(key);
    if (clash !== undefined) {
      const what =
        clash === entry ? 'appears twice' : `collides with "${clash}" (case or Unicode normalisation)`;
      throw new ArchiveError('NAME_COLLISION', what, entry);
    }
    this.files.set(key, entry);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) this.addDir(segments.slice(0, i).join('/'), entry);
  }

  /**
   * Adds a folder; the same folder may be added any number of times.
   * @throws ArchiveError NAME_COLLISION
   */
  addDir(dir: string, entry: string = dir): void {
    const key = collisionKey(dir);
    const file = this.files.get(key);
    if (file !== undefined)
      throw new ArchiveError('NAME_COLLISION', `folder "${dir}" collides with file "${file}"`, entry);
    const known = this.dirs.get(key);
    if (known !== undefined && known !== dir) {
      throw new ArchiveError(
        'NAME_COLLISION',
        `folder "${dir}" collides with "${known}" (case or Unicode normalisation)`,
        entry,
      );
    }
    this.dirs.set(key, dir);
  }
}
