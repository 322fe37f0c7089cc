import type { Deps } from '../deps.ts';
import { versionFromTarballName } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';
import { blobDigest } from '../storage/blob-store.ts';

/** How the tarball's bytes reach the client. */
export type TarballBody =
  | { bytes: Buffer }
  /** Straight from blob storage, for tarballs too big for the cache; `size` is the stored length. */
  | { stream: ReadableStream<Uint8Array>; size: number }
  /** A URL the blob store signed; the client fetches the same bytes there. */
  | { redirect: string };

export type TarballResult =
  | { etag: string; notModified: true }
  | ({ etag: string; notModified: false } & TarballBody);

/**
 * The exact published bytes of a version's tarball, by its file name (`deploy-1.0.0.tgz`). The
 * ETag is the integrity. A 200 (or 302) counts a download (batched; see downloads.ts).
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
  size: number;
}

/**
 * A tarball of name@version by file name: `find` looks its record up (undefined: no such
 * version); 304 when the integrity ETag matches. Small tarballs are read whole, checked against
 * their digest and kept in the process's cache (safe: published bytes never change); bigger ones
 * stream from the blob store; a blob store that presigns (S3 with `presign=`) gets a redirect
 * instead. Anything but a 304 counts a download of the bundle. Shared by bundle tarballs and npm
 * packages.
 * @throws RegistryError NOT_FOUND; INTERNAL when the blob is missing or not the published bytes.
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
  const cached = fromCache(deps, input, key);
  if (cached) return cached;
  const v = await input.find(version);
  if (!v) throw new RegistryError('NOT_FOUND', `no version ${version} of ${input.name}`);
  const etag = `"${v.integrity}"`;
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
  return answer(deps, input, etag, await readBody(deps, key, v));
}

async function readBody(deps: Deps, key: string, v: StoredTarball): Promise<TarballBody> {
  const missing = () => new RegistryError('INTERNAL', `the tarball of ${key} is missing from blob storage`);
  if (deps.blobs.presignedUrl) return { redirect: await deps.blobs.presignedUrl(v.sha256) };
  if (!deps.tarballCache.fits(v.size)) {
    const stream = await deps.blobs.stream(v.sha256);
    if (!stream) throw missing();
    return { stream, size: v.size };
  }
  const bytes = await deps.blobs.get(v.sha256);
  if (!bytes) throw missing();
  if (blobDigest(bytes) !== v.sha256) {
    throw new RegistryError('INTERNAL', `the stored tarball of ${key} is not the published bytes`);
  }
  deps.tarballCache.set(key, { integrity: v.integrity, bytes });
  return { bytes };
}

function answer(
  deps: Pick<Deps, 'downloads' | 'metrics'>,
  input: { name: string; ifNoneMatch?: string },
  etag: string,
  body: TarballBody,
) {
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true as const };
  deps.downloads.count(input.name);
  deps.metrics.download();
  return { etag, notModified: false as const, ...body };
}

/**
 * The answer for a bundle tarball this process holds in memory (a 304, or a 200 that counts a
 * download, as `getTarball` would give), else undefined: nothing is read from the store or from
 * blob storage, so the caller can pass the request on untouched. For the server's fast lane.
 */
export function getCachedTarball(
  deps: Pick<Deps, 'blobs' | 'tarballCache' | 'downloads' | 'metrics'>,
  input: { name: string; file: string; ifNoneMatch?: string },
): TarballResult | undefined {
  const version = versionFromTarballName(input.name, input.file);
  return version ? fromCache(deps, input, `${input.name}@${version}`) : undefined;
}

/** The answer from the process's tarball cache for `key`, if it holds it (never when presigning). */
function fromCache(
  deps: Pick<Deps, 'blobs' | 'tarballCache' | 'downloads' | 'metrics'>,
  input: { name: string; ifNoneMatch?: string },
  key: string,
): TarballResult | undefined {
  const cached = deps.blobs.presignedUrl ? undefined : deps.tarballCache.get(key);
  return cached ? answer(deps, input, `"${cached.integrity}"`, { bytes: cached.bytes }) : undefined;
}
