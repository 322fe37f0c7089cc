import { type BundleFile, skillFiles } from '@skills/archive';
import { parseBundleName } from '@skills/schemas';
import type { StoredVersion } from './version-document.ts';

/**
 * The plugin name hosts see for a bundle: the bundle name itself, or `scope--name` for
 * `@scope/name` (hosts refuse `@` and `/` in plugin names). Bundle names never hold a double
 * hyphen, so the mapping is one to one and never meets an unscoped name.
 * @example pluginName('@acme/deploy') // 'acme--deploy'
 */
export function pluginName(bundleName: string): string {
  const parts = parseBundleName(bundleName);
  if (!parts) throw new Error(`not a bundle name: ${bundleName}`);
  return parts.scope ? `${parts.scope}--${parts.name}` : parts.name;
}

/**
 * The npm tarball file name of a version, as npm names it (`deploy-1.0.0.tgz` for
 * `@acme/deploy@1.0.0`); the npm API serves it at `/npm/NAME/-/FILE`.
 */
export function npmTarballPath(name: string, version: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return `/npm/${name}/-/${base}-${version}.tgz`;
}

export interface NpmPackageInput {
  document: StoredVersion;
  /** The bundle version's files, as published. */
  files: BundleFile[];
  /** Who published the version: the plugin's `author`. */
  publishedBy: string;
  /**
   * The registry's configured public origin, for `homepage` (the bundle's page) and the author's
   * page; left out without one, since the package is immutable and a request's Host header must
   * never be baked into it.
   */
  origin: string | undefined;
}

/**
 * The files of the npm package built from a bundle version (docs/marketplace.md), without the
 * `package/` root: `package.json`, `.claude-plugin/plugin.json`, and each skill's files under
 * `skills/<skill>/`, byte for byte with their executable bits. A single-skill bundle (its skill
 * at `.`) gives every file of the bundle to that skill, as `skills install` does.
 */
export function npmPackageFiles(input: NpmPackageInput): BundleFile[] {
  const d = input.document;
  const { origin, publishedBy } = input;
  const homepage = origin ? { homepage: `${origin}/bundles/${d.name}` } : {};
  const common = {
    description: d.description,
    ...(d.license !== undefined ? { license: d.license } : {}),
    keywords: d.keywords,
  };
  const packageJson = { name: d.name, version: d.version, ...common, ...homepage };
  const pluginJson = {
    name: pluginName(d.name),
    version: d.version,
    ...common,
    author: { name: publishedBy, ...(origin ? { url: `${origin}/~${publishedBy}` } : {}) },
    ...homepage,
  };
  const out: BundleFile[] = [
    json('package.json', packageJson),
    json('.claude-plugin/plugin.json', pluginJson),
  ];
  for (const skill of d.skills) {
    for (const f of skillFiles(input.files, skill.path))
      out.push({ ...f, path: `skills/${skill.name}/${f.path}` });
  }
  return out;
}

function json(path: string, value: unknown): BundleFile {
  return { path, data: Buffer.from(`${JSON.stringify(value, null, 2)}\n`), executable: false };
}
