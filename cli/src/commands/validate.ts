import { formatProblem } from '@skills/schemas';
import { bundleDir, inspectFolder } from '../lib/authoring/bundle-source.ts';
import type { Command } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { plural } from '../lib/output/format.ts';

/**
 * `skills validate [dir] [--strict]`: every problem of a bundle (or of a plain skill folder,
 * or the folder of the SKILL.md named), each with its path; exit 1 when any is an error.
 * Content warnings (hidden instructions and the like) are listed but never fail validation.
 */
export const command: Command = {
  usage: 'validate [DIR|SKILL.md] [--strict]',
  summary: 'check a bundle or skill and list every problem',
  options: {
    strict: { type: 'boolean', description: 'unknown frontmatter keys are errors, not warnings' },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('validate takes one folder');
    const dir = await bundleDir(ctx.args[0], ctx.cwd);
    const result = await inspectFolder(dir, { strict: ctx.flags.strict === true });
    const errors = result.problems.filter((p) => p.severity === 'error');
    const warnings = result.problems.filter((p) => p.severity === 'warning');
    const lines = result.problems.map(formatProblem);
    for (const w of result.warnings) lines.push(`content ${w.path}:${w.line}: ${w.code}: ${w.message}`);
    const what = result.manifest ? `${result.manifest.name}@${result.manifest.version}` : dir;
    const summary = result.ok
      ? `${what} is valid (${plural(result.skills.length, 'skill')}${warnings.length ? `, ${plural(warnings.length, 'warning')}` : ''})`
      : `${what}: ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`;
    lines.push(summary);
    return {
      text: lines.join('\n'),
      json: {
        ok: result.ok,
        dir,
        name: result.manifest?.name,
        version: result.manifest?.version,
        skills: result.skills.map((s) => ({ name: s.name, path: s.path })),
        pipelines: result.pipelines.map((p) => p.path),
        problems: result.problems,
        contentWarnings: result.warnings,
      },
      exitCode: result.ok ? 0 : 1,
    };
  },
};
