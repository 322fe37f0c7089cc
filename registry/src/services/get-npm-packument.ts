import semver from 'semver';
import type { BundleSnapshot, NpmArtifact, VersionRecord } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { npmTarballPath } from '../domain/npm-package.ts';
import { RegistryError } from '../errors.ts';
import { matchesEtag } from '../http/etag.ts';
import { buildNpmArtifacts } from './build-npm-artifacts.ts';

/** The media type of npm's abbreviated ("corgi") packument. */
export const NPM_ABBREVIATED = 'application/vnd.npm.install-v1+json';

export type PackumentResult =
  | { etag: string; notModified: true }
  | { etag: string; notModified: false; body: string; contentType: string };

/**
 * A bundle's npm packument (docs/marketplace.md): every version that is not yanked, with the
 * `dist` of the npm package built from it (built and recorded here for versions that have none
 * yet), the dist-tags that point at those versions, and `time`. `abbreviated` gives the form npm
 * asks for with `Accept: application/vnd.npm.install-v1+json`. The ETag is the bundle's
 * revision (and the form), read from the store, so every process agrees.
 * @throws RegistryError NOT_FOUND.
 */
export async function getNpmPackument({
  deps,
  input,
}: {
  deps: Deps;
  input: { name: string; origin: string; abbreviated: boolean; ifNoneMatch?: string };
}): Promise<PackumentResult> {
  const head = await deps.store.getBundleHead(input.name);
  if (!head) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const etagOf = (revision: number) => `"npm-${input.abbreviated ? 'abbr' : 'full'}-${revision}"`;
  if (matchesEtag(input.ifNoneMatch, etagOf(head.revision))) {
    return { etag: etagOf(head.revision), notModified: true };
  }
  const snapshot = await deps.store.getBundle(input.name);
  if (!snapshot) throw new RegistryError('NOT_FOUND', `no bundle named ${input.name}`);
  const versions = snapshot.versions
    .filter((v) => !v.yanked)
    .sort((a, b) => semver.compare(a.version, b.version));
  const artifacts = await buildNpmArtifacts({ deps, input: { snapshot, versions } });
  const shape = input.abbreviated ? abbreviated : full;
  return {
    etag: etagOf(snapshot.bundle.revision),
    notModified: false,
    body: JSON.stringify(shape(snapshot, versions, (v) => dist(v, artifacts, input.origin))),
    contentType: input.abbreviated ? NPM_ABBREVIATED : 'application/json',
  };
}

type DistOf = (v: VersionRecord) => { tarball: string; integrity: string; shasum: string };

function dist(v: VersionRecord, artifacts: Map<string, NpmArtifact>, origin: string) {
  const a = artifacts.get(v.version);
  if (!a) throw new Error(`no npm package for ${v.name}@${v.version}`);
  return { tarball: origin + npmTarballPath(v.name, v.version), integrity: a.integrity, shasum: a.shasum };
}

function distTags(s: BundleSnapshot, versions: VersionRecord[]): Record<string, string> {
  const live = new Set(versions.map((v) => v.version));
  return Object.fromEntries(Object.entries(s.distTags).filter(([, v]) => live.has(v)));
}

function full(s: BundleSnapshot, versions: VersionRecord[], distOf: DistOf) {
  const d = (v: VersionRecord) => v.document;
  return {
    _id: s.bundle.name,
    name: s.bundle.name,
    description: s.bundle.description,
    'dist-tags': distTags(s, versions),
    versions: Object.fromEntries(
      versions.map((v) => [
        v.version,
        {
          _id: `${v.name}@${v.version}`,
          name: v.name,
          version: v.version,
          description: d(v).description,
          ...(d(v).license !== undefined ? { license: d(v).license } : {}),
          keywords: d(v).keywords,
          ...(d(v).homepage !== undefined ? { homepage: d(v).homepage } : {}),
          ...(v.deprecated ? { deprecated: v.deprecated } : {}),
          dist: distOf(v),
        },
      ]),
    ),
    time: {
      created: s.bundle.createdAt,
      modified: s.bundle.updatedAt,
      ...Object.fromEntries(versions.map((v) => [v.version, v.publishedAt])),
    },
    keywords: s.bundle.keywords,
  };
}

function abbreviated(s: BundleSnapshot, versions: VersionRecord[], distOf: DistOf) {
  return {
    name: s.bundle.name,
    modified: s.bundle.updatedAt,
    'dist-tags': distTags(s, versions),
    versions: Object.fromEntries(
      versions.map((v) => [
        v.version,
        {
          name: v.name,
          version: v.version,
          ...(v.deprecated ? { deprecated: v.deprecated } : {}),
          dist: distOf(v),
        },
      ]),
    ),
  };
}
