import type { Deps } from '../deps.ts';
import { versionFromTarballName } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';
import type { CachedTarball } from '../tarball-cache.ts';

export type TarballResult =
  | { etag: string; notModified: true }
  | { etag: string; notModified: false; bytes: Buffer };

/**
 * The exact published bytes of a version's tarball, by its file name (`deploy-1.0.0.tgz`). The
 * ETag is the integrity. A 200 counts a download (batched; see downloads.ts).
 * @throws RegistryError NOT_FOUND for an unknown version or file name.
 */
export function getTarball({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; file: string; ifNoneMatch?: string };
}): Promise<TarballResult> {
  return serveTarball(deps, { ...input, cachePrefix: '', find: (v) => deps.store.getVersion(input.name, v) });
}

/** What `serveTarball` needs of a version's stored tarball. */
export interface StoredTarball {
  integrity: string;
  /** The blob key. */
  sha256: string;
}

/**
 * A tarball of name@version by file name, through the per-process cache of immutable bytes:
 * `find` looks its record up (undefined: no such version); 304 when the integrity ETag matches;
 * a 200 counts a download of the bundle. Shared by bundle tarballs and npm packages.
 * @throws RegistryError NOT_FOUND; INTERNAL when the blob is missing.
 */
export async function serveTarball(
  deps: Deps,
  input: {
    name: string;
    file: string;
    ifNoneMatch?: string;
    /** Keeps kinds of tarball of one version apart in the cache (`npm:`). */
    cachePrefix: string;
    find(version: string): Promise<StoredTarball | undefined>;
  },
): Promise<TarballResult> {
  const version = versionFromTarballName(input.name, input.file);
  if (!version) throw new RegistryError('NOT_FOUND', `${input.file} is not a tarball of ${input.name}`);
  const key = `${input.cachePrefix}${input.name}@${version}`;
  let tarball: CachedTarball | undefined = deps.tarballCache.get(key);
  if (!tarball) {
    const v = await input.find(version);
    if (!v) throw new RegistryError('NOT_FOUND', `no version ${version} of ${input.name}`);
    const etag = `"${v.integrity}"`;
    if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
    const bytes = await deps.blobs.get(v.sha256);
    if (!bytes) throw new RegistryError('INTERNAL', `the tarball of ${key} is missing from blob storage`);
    tarball = { integrity: v.integrity, bytes };
    deps.tarballCache.set(key, tarball);
  }
  const etag = `"${tarball.integrity}"`;
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
  deps.downloads.count(input.name);
  deps.metrics.download();
  return { etag, notModified: false, bytes: tarball.bytes };
}
