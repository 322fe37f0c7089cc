import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { collectFiles } from './collect.ts';
import { ArchiveError } from './errors.ts';
import { DEFAULT_LIMITS, RATIO_GRACE_BYTES } from './limits.ts';
import { CollisionGuard, checkBundlePath } from './paths.ts';
import { writeTar } from './tar-write.ts';
import type { BundleFile } from './types.ts';

/** The one root folder of every packed archive. Readers accept any single root name. */
export const BUNDLE_ROOT = 'bundle';

/** Fixed gzip settings: part of what makes the bytes reproducible. */
const GZIP_LEVEL = 9;
/** The gzip header's OS byte, fixed to "Unix" so the bytes do not depend on the packing platform. */
const GZIP_OS_UNIX = 3;

/**
 * What `packFiles` may change: the root folder (`bundle` by default; npm packages use `package`;
 * `''` puts the files at the archive's root, as a discovery-index skill archive wants).
 */
export interface PackOptions {
  root?: string;
}

/**
 * Packs files into the canonical tarball: gzip (level 9, no name, mtime 0, OS byte 3) of a ustar
 * archive holding only regular files under `bundle/` (or `options.root`), sorted by the UTF-8 bytes of their paths,
 * with mtime 1985-10-26T08:15:00Z, uid/gid 0, empty owner names, mode 0755 when executable and
 * 0644 otherwise. No folder entries, no pax headers except a `path` record for a path too long
 * for ustar. The same files give the same bytes, whatever their order; synchronous.
 * Checks what `readArchive` would refuse (paths, collisions, the default limits), so that a
 * packed bundle always reads back.
 * @throws ArchiveError with the code `readArchive` would give.
 * @example const tgz = packFiles([{ path: 'SKILL.md', data: Buffer.from('---\n…'), executable: false }]);
 */
export function packFiles(files: BundleFile[], options: PackOptions = {}): Buffer {
  const limits = DEFAULT_LIMITS;
  const root = options.root ?? BUNDLE_ROOT;
  if (root !== '' && !/^[a-z][a-z0-9-]*$/.test(root)) throw new Error(`not a root folder name: ${root}`);
  if (files.length === 0) throw new ArchiveError('EMPTY_ARCHIVE', 'there are no files to pack');
  if (files.length > limits.maxEntries) {
    throw new ArchiveError(
      'TOO_MANY_ENTRIES',
      `${files.length} files, over the limit of ${limits.maxEntries}`,
    );
  }
  const guard = new CollisionGuard();
  const entries = files.map((f) => {
    const path = checkBundlePath(f.path, limits, f.path);
    guard.addFile(path, f.path);
    if (f.data.length > limits.maxFileBytes) {
      throw new ArchiveError(
        'FILE_TOO_LARGE',
        `${f.data.length} bytes, over the per-file limit of ${limits.maxFileBytes}`,
        f.path,
      );
    }
    return { path: root === '' ? path : `${root}/${path}`, data: f.data, mode: f.executable ? 0o755 : 0o644 };
  });
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const tar = writeTar(entries);
  if (tar.length > limits.maxUnpackedBytes) {
    throw new ArchiveError(
      'UNPACKED_TOO_LARGE',
      `${tar.length} bytes unpacked, over the limit of ${limits.maxUnpackedBytes}`,
    );
  }
  const gz = gzipSync(tar, { level: GZIP_LEVEL });
  gz[9] = GZIP_OS_UNIX;
  if (gz.length > limits.maxCompressedBytes) {
    throw new ArchiveError(
      'COMPRESSED_TOO_LARGE',
      `${gz.length} bytes, over the limit of ${limits.maxCompressedBytes}`,
    );
  }
  if (tar.length > RATIO_GRACE_BYTES && tar.length / gz.length > limits.maxRatio) {
    throw new ArchiveError(
      'RATIO_EXCEEDED',
      `compresses ${Math.round(tar.length / gz.length)}:1, over the limit of ${limits.maxRatio}:1`,
    );
  }
  return gz;
}

/**
 * Collects a folder (with the ignore rules of `collectFiles`) and packs it.
 * @throws ArchiveError from `collectFiles` or `packFiles`.
 * @example const { tarball, integrity } = await packDirectory('./my-skill');
 */
export async function packDirectory(
  dir: string,
): Promise<{ tarball: Buffer; integrity: string; files: BundleFile[] }> {
  const files = await collectFiles(dir);
  const tarball = packFiles(files);
  return { tarball, integrity: integrityOf(tarball), files };
}

/**
 * The Subresource Integrity string of some bytes: `sha512-<base64>`.
 * @example integrityOf(Buffer.from('')) // 'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=='
 */
export function integrityOf(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}
