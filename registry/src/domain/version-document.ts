import type { VersionDocument } from '@skills/schemas';

/** What is stored of a version document: all but the parts that change or depend on the request. */
export type StoredVersion = Omit<VersionDocument, 'tarball' | 'deprecated' | 'yanked'>;

/**
 * The path of a version's tarball, relative to the registry's origin (docs/http-api.md).
 * @example tarballPath('@acme/deploy', '1.0.0') // '/v1/bundles/@acme/deploy/-/deploy-1.0.0.tgz'
 */
export function tarballPath(name: string, version: string): string {
  return `/v1/bundles/${name}/-/${tarballFileName(name, version)}`;
}

/** `deploy-1.0.0.tgz` for `@acme/deploy@1.0.0`. */
export function tarballFileName(name: string, version: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return `${base}-${version}.tgz`;
}

/** The version a tarball file name stands for, or undefined when it is not one of `name`'s. */
export function versionFromTarballName(name: string, file: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (!file.startsWith(`${base}-`) || !file.endsWith('.tgz')) return undefined;
  return file.slice(base.length + 1, -'.tgz'.length) || undefined;
}

/** The full document of a version as served, from what is stored and the live flags. */
export function renderVersion(
  input: { document: StoredVersion; deprecated: string | null; yanked: boolean },
  origin: string,
): VersionDocument {
  const { document: d } = input;
  const out: VersionDocument = { ...d, tarball: origin + tarballPath(d.name, d.version) };
  if (input.deprecated) out.deprecated = input.deprecated;
  if (input.yanked) out.yanked = true;
  return out;
}
