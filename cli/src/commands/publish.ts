import { distTagSchema, formatProblem } from '@skills/schemas';
import { loadBundle } from '../lib/authoring/bundle-source.ts';
import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { openRegistry } from '../lib/registry/context.ts';
import { packSummary, renderPackSummary, VERSION_HELP, versionFlag } from './pack.ts';

/**
 * `skills publish [dir|file.tgz] [--version X] [--tag T] [--dry-run]`: validate, pack canonically
 * and upload. `--version` publishes a bare skill folder as it is, with a generated skill.json.
 * `--dry-run` shows exactly the files, size and integrity that would be uploaded and sends
 * nothing. With `--tag`, that tag instead of `latest` is pointed at the new version.
 */
export const command: Command = {
  usage: 'publish [DIR|FILE.tgz] [--version X] [--tag TAG] [--dry-run]',
  summary: 'validate, pack and upload a bundle',
  options: {
    tag: { type: 'string', description: 'point this dist-tag (instead of latest) at the new version' },
    'dry-run': { type: 'boolean', description: 'show what would be uploaded; send nothing' },
    version: { type: 'string', description: VERSION_HELP },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('publish takes one folder or .tgz file');
    const tag = typeof ctx.flags.tag === 'string' ? ctx.flags.tag : undefined;
    if (tag !== undefined && !distTagSchema.safeParse(tag).success)
      throw usageError(`"${tag}" is not a valid tag`);
    const packed = await loadBundle(ctx.args[0], ctx.cwd, { version: versionFlag(ctx.flags.version) });
    const summary = packSummary(packed);
    const { name, version } = packed.manifest;
    const dryRun = ctx.flags['dry-run'] === true;
    const { client, url } = await openRegistry(ctx, { bundle: name, requireToken: !dryRun });
    if (dryRun) {
      return {
        text: `${renderPackSummary(summary)}\n(dry run: would publish ${name}@${version} to ${url}${tag ? ` with tag ${tag}` : ''}; nothing was sent)`,
        json: { ...summary, registry: url, tag, dryRun: true },
      };
    }
    for (const p of summary.warnings) ctx.stderr.write(`${formatProblem(p)}\n`);
    for (const w of summary.contentWarnings)
      ctx.stderr.write(`warning ${w.path}:${w.line}: ${w.code}: ${w.message}\n`);
    const result = await client.publish(name, packed.tarball, { tag, version });
    if (result.integrity !== packed.integrity) {
      ctx.stderr.write(`warning: the registry computed ${result.integrity}, not ${packed.integrity}\n`);
    }
    return {
      text: `published ${result.name}@${result.version} to ${url}${tag ? ` (tag ${tag})` : ''}\nintegrity: ${result.integrity}`,
      json: {
        ...summary,
        registry: url,
        tag,
        dryRun: false,
        integrity: result.integrity,
        warnings: result.warnings,
      },
    };
  },
};
