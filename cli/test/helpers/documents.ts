import { createHash } from 'node:crypto';
import type { BundleDocument, VersionDocument } from '@skills/schemas';

/** `sha512-…` of `data`, as the registry computes it. */
export function sri(data: Buffer | string): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

/** A valid version document for scripted registries. */
export function versionDoc(
  name: string,
  version: string,
  extra: Partial<VersionDocument> = {},
): VersionDocument {
  const last = name.split('/').pop() ?? name;
  return {
    name,
    version,
    description: `The ${last} bundle`,
    keywords: [],
    integrity: sri(`${name}@${version}`),
    tarball: `http://127.0.0.1:1/v1/bundles/${name}/-/${last}-${version}.tgz`,
    size: 100,
    fileCount: 2,
    dependencies: {},
    skills: [{ name: last, description: 'x', path: '.' }],
    pipelines: [],
    capabilities: {},
    publishedAt: '2026-01-01T00:00:00.000Z',
    warnings: [],
    ...extra,
  };
}

/** A valid bundle document holding `versions`, `latest` pointing at the last. */
export function bundleDoc(
  name: string,
  versions: string[],
  extra: Partial<BundleDocument> = {},
): BundleDocument {
  return {
    name,
    description: 'A bundle',
    keywords: [],
    distTags: { latest: versions[versions.length - 1] ?? '1.0.0' },
    versions: Object.fromEntries(versions.map((v) => [v, versionDoc(name, v)])),
    owners: ['alice'],
    downloads: 0,
    ...extra,
  };
}
