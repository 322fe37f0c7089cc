import type { BundleDocument, VersionDocument } from '@skills/schemas';
import semver from 'semver';
import type { Command } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { formatBytes, table } from '../lib/output/format.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { sanitizeRemoteText as clean } from '../lib/registry/http.ts';
import { type BundleSpec, parseSpec } from '../lib/resolve/spec.ts';

/** `skills info NAME[@VER|@RANGE|@TAG]`: a bundle's versions and tags, and one version in detail. */
export const command: Command = {
  usage: 'info NAME[@VERSION|@RANGE|@TAG]',
  summary: 'show a bundle or version',
  async run(ctx) {
    const [arg, ...rest] = ctx.args;
    if (!arg || rest.length) throw usageError('info takes one NAME[@VER]', 'skills info deploy-vercel@^1');
    const spec = parseSpec(arg);
    const { client } = await openRegistry(ctx, { bundle: spec.name });
    const doc = await client.getBundle(spec.name);
    const selected = pickVersion(doc, spec);
    const versions = Object.values(doc.versions)
      .sort((a, b) => semver.compare(a.version, b.version))
      .map((v) => ({
        version: v.version,
        publishedAt: v.publishedAt,
        ...(v.deprecated ? { deprecated: v.deprecated } : {}),
        ...(v.yanked ? { yanked: true } : {}),
      }));
    const json = {
      name: doc.name,
      description: doc.description,
      distTags: doc.distTags,
      owners: doc.owners,
      downloads: doc.downloads,
      versions,
      selected,
    };
    return { text: render(doc, versions, selected), json };
  },
};

/**
 * The version a spec names: a tag through dist-tags, an exact version, or the highest version
 * satisfying a range (yanked ones only when named exactly). Throws NOT_FOUND otherwise.
 */
export function pickVersion(doc: BundleDocument, spec: BundleSpec): VersionDocument {
  let version: string | undefined;
  if (spec.kind === 'tag') version = doc.distTags[spec.range];
  else if (spec.kind === 'version') version = semver.clean(spec.range) ?? spec.range;
  else {
    const candidates = Object.values(doc.versions)
      .filter((v) => !v.yanked)
      .map((v) => v.version);
    version = semver.maxSatisfying(candidates, spec.range) ?? undefined;
  }
  const found = version ? doc.versions[version] : undefined;
  if (!found) {
    const what = spec.kind === 'tag' ? `tag "${spec.range}"` : `version matching "${spec.range}"`;
    throw new SkillsError('NOT_FOUND', `${doc.name} has no ${what}`, {
      hint: `dist-tags: ${Object.keys(doc.distTags).join(', ') || 'none'}; \`skills info ${doc.name}\` lists the versions`,
    });
  }
  return found;
}

function render(doc: BundleDocument, versions: { version: string }[], v: VersionDocument): string {
  const out: string[] = [`${doc.name}@${v.version}  ${clean(v.description)}`, ''];
  const facts: [string, string][] = [
    [
      'dist-tags',
      Object.entries(doc.distTags)
        .map(([t, ver]) => `${t}: ${ver}`)
        .join(', '),
    ],
    ['versions', versions.map((x) => x.version).join(', ')],
    ['owners', doc.owners.join(', ')],
    ['category', v.category ?? ''],
    ['license', v.license ?? ''],
    ['published', `${v.publishedAt}${v.publishedBy ? ` by ${v.publishedBy}` : ''}`],
    ['size', `${formatBytes(v.size)} in ${v.fileCount} files`],
    ['integrity', v.integrity],
    ['tarball', v.tarball],
    ['skills', v.skills.map((s) => s.name).join(', ')],
    ['pipelines', v.pipelines.join(', ')],
    [
      'dependencies',
      Object.entries(v.dependencies)
        .map(([n, r]) => `${n}@${r}`)
        .join(', '),
    ],
  ];
  for (const kind of ['network', 'exec', 'env', 'write'] as const) {
    const list = v.capabilities[kind];
    if (list?.length) facts.push([`needs ${kind}`, list.join(', ')]);
  }
  out.push(table(facts.filter(([, value]) => value !== '').map(([k, value]) => [`${k}:`, value])));
  if (v.yanked) out.push('', 'YANKED: new installs will not pick this version');
  if (v.deprecated) out.push('', `DEPRECATED: ${clean(v.deprecated)}`);
  if (v.warnings.length) {
    out.push('', `content warnings (${v.warnings.length}):`);
    for (const w of v.warnings) out.push(`  ${clean(w.path)}:${w.line}  ${w.code}  ${clean(w.message)}`);
  }
  return out.join('\n');
}
