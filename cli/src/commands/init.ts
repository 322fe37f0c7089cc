import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { bundleNameSchema, parseBundleName } from '@skills/schemas';
import type { Command } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';

/**
 * `skills init [dir] [--name N] [--multi]`: scaffold a bundle that passes `validate --strict`
 * as it is. Refuses to overwrite any file.
 */
export const command: Command = {
  usage: 'init [DIR] [--name NAME] [--multi]',
  summary: 'scaffold a valid bundle',
  options: {
    name: { type: 'string', description: 'bundle name (default: the folder name); @scope/name works' },
    multi: { type: 'boolean', description: 'a multi-skill bundle: skills/NAME/SKILL.md' },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('init takes one folder');
    const dir = resolve(ctx.cwd, ctx.args[0] ?? '.');
    const name = typeof ctx.flags.name === 'string' ? ctx.flags.name : nameFromFolder(basename(dir));
    if (!bundleNameSchema.safeParse(name).success) {
      throw usageError(
        `"${name}" is not a valid bundle name`,
        'pass --name with lowercase letters and digits separated by hyphens, e.g. --name my-skill or --name @me/my-skill',
      );
    }
    const files = scaffold(name, ctx.flags.multi === true);
    const existing: string[] = [];
    for (const path of Object.keys(files)) {
      if (await stat(join(dir, path)).catch(() => undefined)) existing.push(path);
    }
    if (existing.length) {
      throw new SkillsError('ALREADY_EXISTS', `${dir} already has ${existing.join(', ')}`, {
        hint: 'init never overwrites; choose an empty folder',
        details: { existing },
      });
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content, { flag: 'wx' });
    }
    const shown = relative(ctx.cwd, dir) || '.';
    const skillFile = Object.keys(files).find((f) => f.endsWith('SKILL.md'));
    return {
      text: [
        `created ${name} in ${shown}:`,
        ...Object.keys(files).map((f) => `  ${f}`),
        '',
        `next: write ${skillFile}, then \`skills validate --strict ${shown}\` and \`skills publish ${shown}\``,
      ].join('\n'),
      json: { name, dir, files: Object.keys(files) },
    };
  },
};

/** A folder name made into a bundle name: `My Skill_2` → `my-skill-2`. */
export function nameFromFolder(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** The files of a new bundle, by path. */
export function scaffold(name: string, multi: boolean): Record<string, string> {
  const skill = parseBundleName(name)?.name ?? name;
  const manifest = {
    name,
    version: '0.1.0',
    description: `${title(skill)}: describe in one sentence what this bundle gives an agent.`,
    license: 'MIT',
    category: 'other',
    keywords: [],
    dependencies: {},
    capabilities: {},
  };
  const skillPath = multi ? `skills/${skill}/SKILL.md` : 'SKILL.md';
  return { 'skill.json': `${JSON.stringify(manifest, null, 2)}\n`, [skillPath]: skillMd(skill) };
}

function skillMd(skill: string): string {
  return `---
name: ${skill}
description: Describe what this skill does and when an agent should use it, in one or two sentences.
---

# ${title(skill)}

## When to use

Say which requests or situations this skill is for, so an agent activates it at the right time.

## Steps

1. The first thing to do.
2. The next thing to do.
3. How to check the result.

Keep this file short; put long material in references/ and scripts in scripts/.
`;
}

function title(skill: string): string {
  return skill
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
