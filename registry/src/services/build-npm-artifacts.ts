import { createHash } from 'node:crypto';
import { integrityOf, packFiles, readArchive } from '@skills/archive';
import type { BundleSnapshot, NpmArtifact, VersionRecord } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { npmPackageFiles } from '../domain/npm-package.ts';
import { RegistryError } from '../errors.ts';
import { blobDigest } from '../storage/blob-store.ts';

/**
 * The npm package of each of `versions`, built on first need and recorded (docs/marketplace.md):
 * read from the store when recorded; otherwise built from the version's stored tarball, written
 * to the blob store (content-addressed, like bundle tarballs) and recorded, first record
 * winning. Builds of one version in this process share one promise; two processes building at
 * once make the same bytes when they share a public URL, and the loser's blob is dropped otherwise.
 * Only the configured public URL goes into a package, never a request's origin.
 * @throws RegistryError INTERNAL when a version's tarball is missing from blob storage.
 */
export async function buildNpmArtifacts({
  deps,
  input,
}: {
  deps: Deps;
  input: { snapshot: BundleSnapshot; versions: VersionRecord[] };
}): Promise<Map<string, NpmArtifact>> {
  const name = input.snapshot.bundle.name;
  const out = new Map<string, NpmArtifact>();
  for (const a of await deps.store.getNpmArtifacts(name)) out.set(a.version, a);
  const missing = input.versions.filter((v) => !out.has(v.version));
  for (const v of missing) out.set(v.version, await buildOnce(deps, v));
  return out;
}

function buildOnce(deps: Deps, v: VersionRecord): Promise<NpmArtifact> {
  const key = `${v.name}@${v.version}`;
  let pending = deps.npmBuilds.get(key);
  if (!pending) {
    pending = build(deps, v).finally(() => deps.npmBuilds.delete(key));
    deps.npmBuilds.set(key, pending);
  }
  return pending;
}

async function build(deps: Deps, v: VersionRecord): Promise<NpmArtifact> {
  const bytes = await deps.blobs.get(v.sha256);
  if (!bytes) {
    throw new RegistryError('INTERNAL', `the tarball of ${v.name}@${v.version} is missing from blob storage`);
  }
  const { files } = await readArchive(bytes, deps.archiveLimits);
  const tarball = packFiles(
    npmPackageFiles({
      document: v.document,
      files,
      publishedBy: v.publishedBy,
      origin: deps.configuredPublicUrl,
    }),
    { root: 'package' },
  );
  const sha256 = blobDigest(tarball);
  await deps.blobs.put(sha256, tarball);
  const built: NpmArtifact = {
    name: v.name,
    version: v.version,
    integrity: integrityOf(tarball),
    shasum: createHash('sha1').update(tarball).digest('hex'),
    sha256,
    size: tarball.length,
  };
  const stored = await deps.store.putNpmArtifact(built);
  if (stored.sha256 !== sha256) await deps.blobs.delete(sha256).catch(() => {});
  else deps.log({ level: 'info', msg: 'npm package built', name: v.name, version: v.version });
  return stored;
}
