import type { Deps } from '../deps.ts';
import { versionFromTarballName } from '../domain/version-document.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';
import type { CachedTarball } from '../tarball-cache.ts';
import { buildNpmArtifacts } from './build-npm-artifacts.ts';
import type { TarballResult } from './get-tarball.ts';

/**
 * The npm package of a version by its file name (`deploy-1.0.0.tgz`), built and recorded on
 * first need; yanked versions' packages are still served, like their bundle tarballs. The ETag
 * is the integrity. A 200 counts a download of the bundle.
 * @throws RegistryError NOT_FOUND for an unknown version or file name.
 */
export async function getNpmTarball({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; file: string; ifNoneMatch?: string };
}): Promise<TarballResult> {
  const version = versionFromTarballName(input.name, input.file);
  if (!version) throw new RegistryError('NOT_FOUND', `${input.file} is not a tarball of ${input.name}`);
  const key = `npm:${input.name}@${version}`;
  let tarball: CachedTarball | undefined = deps.tarballCache.get(key);
  if (!tarball) {
    const snapshot = await deps.store.getBundle(input.name);
    const v = snapshot?.versions.find((x) => x.version === version);
    if (!snapshot || !v) throw new RegistryError('NOT_FOUND', `no version ${version} of ${input.name}`);
    const artifacts = await buildNpmArtifacts({
      deps,
      input: { snapshot, versions: [v] },
    });
    const a = artifacts.get(version)!;
    const etag = `"${a.integrity}"`;
    if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
    const bytes = await deps.blobs.get(a.sha256);
    if (!bytes)
      throw new RegistryError(
        'INTERNAL',
        `the npm package of ${input.name}@${version} is missing from blob storage`,
      );
    tarball = { integrity: a.integrity, bytes };
    deps.tarballCache.set(key, tarball);
  }
  const etag = `"${tarball.integrity}"`;
  if (matchesEtag(input.ifNoneMatch, etag)) return { etag, notModified: true };
  deps.downloads.count(input.name);
  deps.metrics.download();
  return { etag, notModified: false, bytes: tarball.bytes };
}
