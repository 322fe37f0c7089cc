import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { validateDirectory } from '@skills/archive';
import { type BundleManifest, bundleNameSchema, parseBundleName } from '@skills/schemas';
import { checkedVersion } from '../lib/authoring/bare-skill.ts';
import {
  type ExistingLayout,
  existingLayout,
  type InitChoices,
  manifestForFolder,
  writeManifest,
} from '../lib/authoring/init-existing.ts';
import type { Command, CommandContext } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';

/**
 * `skills init [dir] [--name N] [--multi] [--version X] [--license SPDX]`: in a folder without
 * skills, scaffold a bundle that passes `validate --strict` as it is; in a folder with skills
 * (its own SKILL.md, skills/NAME/SKILL.md, or child folders with a SKILL.md), add only the
 * skill.json they lack. Never overwrites a file.
 */
export const command: Command = {
  usage: 'init [DIR] [--name NAME] [--multi] [--version X] [--license SPDX] [--description TEXT]',
  summary: 'scaffold a valid bundle, or add skill.json to existing skills',
  options: {
    name: { type: 'string', description: 'bundle name (default: the folder name); @scope/name works' },
    multi: { type: 'boolean', description: 'a new multi-skill bundle: skills/NAME/SKILL.md' },
    version: {
      type: 'string',
      description: 'the version (asked for when existing skills have none; new: 0.1.0)',
    },
    license: { type: 'string', description: "an SPDX license (default: the SKILL.md's license, else none)" },
    description: { type: 'string', description: 'the description of a multi-skill bundle' },
  },
  async run(ctx) {
    if (ctx.args.length > 1) throw usageError('init takes one folder');
    const dir = resolve(ctx.cwd, ctx.args[0] ?? '.');
    const layout = await existingLayout(dir);
    if (layout.kind !== 'empty') return initExisting(ctx, dir, layout);
    const name = typeof ctx.flags.name === 'string' ? ctx.flags.name : nameFromFolder(basename(dir));
    checkName(name);
    const files = scaffold(name, ctx.flags.multi === true, {
      version: checkedVersion(stringFlag(ctx.flags.version) ?? '0.1.0'),
      license: stringFlag(ctx.flags.license),
    });
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

/**
 * Existing skills: writes only skill.json, at the root of a single skill or a multi-skill
 * bundle, or in each sibling skill folder that lacks one. Every manifest is checked against its
 * folder before the first is written, so a refusal writes nothing.
 */
async function initExisting(
  ctx: CommandContext,
  dir: string,
  layout: Exclude<ExistingLayout, { kind: 'empty' }>,
) {
  const given = stringFlag(ctx.flags.version);
  const choices: InitChoices = {
    version: given ?? (await askVersion(ctx, layout.kind === 'single' ? dir : undefined)),
    license: stringFlag(ctx.flags.license),
    name: stringFlag(ctx.flags.name),
    description: stringFlag(ctx.flags.description),
  };
  if (choices.name !== undefined) checkName(choices.name);
  const folders = layout.kind === 'siblings' ? layout.folders.map((f) => join(dir, f)) : [dir];
  const planned: { dir: string; manifest: BundleManifest }[] = [];
  const kept: string[] = [];
  for (const folder of folders) {
    if (layout.kind === 'siblings' && (await stat(join(folder, 'skill.json')).catch(() => undefined))) {
      kept.push(folder);
      continue;
    }
    const form = layout.kind === 'multi' ? 'multi' : 'single';
    const manifest = await manifestForFolder(folder, form, choices, nameFromFolder(basename(folder)));
    planned.push({ dir: folder, manifest });
  }
  if (planned.length === 0) {
    throw new SkillsError('ALREADY_EXISTS', `every skill folder in ${dir} already has skill.json`, {
      hint: 'init never overwrites',
    });
  }
  for (const p of planned) await writeManifest(p.dir, p.manifest);
  const show = (d: string) => relative(ctx.cwd, d) || '.';
  return {
    text: [
      ...planned.map(
        (p) => `wrote ${join(show(p.dir), 'skill.json')} (${p.manifest.name}@${p.manifest.version})`,
      ),
      ...kept.map((d) => `kept ${join(show(d), 'skill.json')} (already there)`),
      '',
      `next: \`skills validate --strict\`, then \`skills publish\` in ${planned.length === 1 ? show(planned[0]!.dir) : 'each folder'}`,
    ].join('\n'),
    json: {
      layout: layout.kind,
      written: planned.map((p) => ({ dir: p.dir, file: join(p.dir, 'skill.json'), manifest: p.manifest })),
      kept: kept.map((d) => join(d, 'skill.json')),
    },
  };
}

/** Asks for the version on a terminal; a single skill with `metadata.version` needs no answer. */
async function askVersion(ctx: CommandContext, single: string | undefined): Promise<string | undefined> {
  if (single !== undefined) {
    const found = await validateDirectory(single);
    if (found.skills.find((s) => s.path === '.')?.frontmatter.metadata?.version !== undefined)
      return undefined;
  }
  if (!ctx.interactive || !ctx.prompt) return undefined;
  const answer = (await ctx.prompt('version (e.g. 1.0.0): ')).trim();
  return answer === '' ? undefined : answer;
}

function checkName(name: string): void {
  if (!bundleNameSchema.safeParse(name).success) {
    throw usageError(
      `"${name}" is not a valid bundle name`,
      'pass --name with lowercase letters and digits separated by hyphens, e.g. --name my-skill or --name @me/my-skill',
    );
  }
}

function stringFlag(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

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
export function scaffold(
  name: string,
  multi: boolean,
  choices: { version: string; license?: string | undefined } = { version: '0.1.0' },
): Record<string, string> {
  const skill = parseBundleName(name)?.name ?? name;
  const manifest = {
    name,
    version: choices.version,
    description: `${title(skill)}: describe in one sentence what this bundle gives an agent.`,
    ...(choices.license !== undefined ? { license: choices.license } : {}),
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
