import { type BundleFile, packFiles } from '@skills/archive';

/** A SKILL.md with frontmatter; `extra` lines go into the frontmatter as they are. */
export function skillMd(
  name: string,
  description: string,
  options: { extra?: string; body?: string } = {},
): string {
  const extra = options.extra ? `${options.extra}\n` : '';
  return `---\nname: ${name}\ndescription: ${description}\n${extra}---\n\n${options.body ?? `# ${name}\n\nDo the thing.\n`}`;
}

/** Files from an inline tree (`{ 'SKILL.md': '…' }`); `.sh` files are executable. */
export function filesOf(tree: Record<string, string | Buffer>): BundleFile[] {
  return Object.entries(tree).map(([path, data]) => ({
    path,
    data: typeof data === 'string' ? Buffer.from(data) : data,
    executable: path.endsWith('.sh'),
  }));
}

/** The canonical tarball of an inline tree. */
export function tarballOf(tree: Record<string, string | Buffer>): Buffer {
  return packFiles(filesOf(tree));
}

export interface BundleOptions {
  description?: string;
  category?: string;
  keywords?: string[];
  dependencies?: Record<string, string>;
  /** Extra manifest fields. */
  manifest?: Record<string, unknown>;
  /** Extra files, or replacements. */
  files?: Record<string, string | Buffer>;
  /** Body of the SKILL.md. */
  body?: string;
}

/** A valid single-skill bundle tree: skill.json plus SKILL.md named after the bundle's last segment. */
export function bundleTree(
  name: string,
  version: string,
  o: BundleOptions = {},
): Record<string, string | Buffer> {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const description = o.description ?? `The ${last} skill, for tests`;
  const manifest = {
    name,
    version,
    description,
    ...(o.category ? { category: o.category } : {}),
    ...(o.keywords ? { keywords: o.keywords } : {}),
    ...(o.dependencies ? { dependencies: o.dependencies } : {}),
    ...o.manifest,
  };
  return {
    'skill.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'SKILL.md': skillMd(last, description, { ...(o.body !== undefined ? { body: o.body } : {}) }),
    ...o.files,
  };
}

/** The canonical tarball of a valid single-skill bundle. */
export function bundleTarball(name: string, version: string, o: BundleOptions = {}): Buffer {
  return tarballOf(bundleTree(name, version, o));
}

/** `@acme/tools@VERSION`: a multi-skill bundle (lint with an executable script, fmt) plus a README. */
export function toolsTarball(version: string): Buffer {
  return tarballOf({
    'skill.json': JSON.stringify({
      name: '@acme/tools',
      version,
      description: 'Tools',
      license: 'MIT',
      keywords: ['ci'],
    }),
    'skills/lint/SKILL.md': skillMd('lint', 'Lints things'),
    'skills/lint/scripts/run.sh': '#!/bin/sh\necho lint\n',
    'skills/fmt/SKILL.md': skillMd('fmt', 'Formats things'),
    'README.md': '# tools\n',
  });
}
