import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { splitSkillMd } from '@skills/archive';
import { SKILL_NAME_PATTERN, unknownFrontmatterKeys } from '@skills/schemas';
import { readInstalledGrants } from './installed-capabilities.ts';
import type { LoadedSkill } from './types.ts';

/** Where skills are looked for, in order of precedence: the first folder holding a name wins. */
export interface LoadSkillsOptions {
  /** The project: `<cwd>/.agents/skills/*` comes first. */
  cwd: string;
  /** More folders of skill folders, after the project's (e.g. a bundle's `skills/`). */
  dirs?: string[];
  /** When given, `<home>/.agents/skills/*` comes last (the user's own skills). */
  home?: string;
}

/** A skill folder that was not loaded, and why. */
export interface SkippedSkill {
  dir: string;
  reason: string;
}

/** A SKILL.md larger than this is not a skill anyone meant to load whole. */
const MAX_SKILL_MD_BYTES = 1024 * 1024;

/**
 * Finds the installed skills (see LoadSkillsOptions for where) and says which folders were
 * skipped. Lenient like other Agent Skills clients: a name that differs from its folder, an
 * invalid name, a long description or an unknown key is a diagnostic on the skill; only a
 * SKILL.md without a description, or whose frontmatter does not parse, is skipped. Names are
 * deduplicated: the project's skill wins over the same name found later. Never throws for a
 * bad skill; a missing folder is simply empty. A skill folder of `<cwd>/.agents/skills` that
 * `skills-lock.json` lists gets its bundle's recorded capabilities (readInstalledGrants); every
 * other skill, and any `skill.json` inside a skill folder, grants nothing.
 * @example const { skills, skipped } = await findSkills({ cwd: '/repo', home: os.homedir() })
 */
export async function findSkills(
  opts: LoadSkillsOptions,
): Promise<{ skills: LoadedSkill[]; skipped: SkippedSkill[] }> {
  const roots = [
    join(resolve(opts.cwd), '.agents', 'skills'),
    ...(opts.dirs ?? []).map((d) => resolve(opts.cwd, d)),
    ...(opts.home ? [join(opts.home, '.agents', 'skills')] : []),
  ];
  const skills: LoadedSkill[] = [];
  const skipped: SkippedSkill[] = [];
  const seen = new Map<string, string>();
  const installed = await readInstalledGrants(resolve(opts.cwd));
  for (const root of roots) {
    const names = await readdir(root).catch(() => [] as string[]);
    for (const folder of names.sort()) {
      if (folder.startsWith('.')) continue;
      const dir = join(root, folder);
      const loaded = await loadSkill(dir, folder);
      if ('reason' in loaded) {
        if (loaded.reason) skipped.push(loaded);
        continue;
      }
      const first = seen.get(loaded.name);
      if (first) {
        skipped.push({ dir, reason: `"${loaded.name}" is already loaded from ${first}` });
        continue;
      }
      seen.set(loaded.name, dir);
      const grant = root === roots[0] ? installed.grants.get(folder) : undefined;
      if (grant) Object.assign(loaded, { bundle: grant.bundle, capabilities: grant.capabilities });
      if (root === roots[0] && installed.problem) loaded.diagnostics.push(installed.problem);
      skills.push(loaded);
    }
  }
  return { skills, skipped };
}

/**
 * The installed skills, as findSkills finds them, without the list of skipped folders.
 * @example const skills = await loadSkills({ cwd: process.cwd() })
 */
export async function loadSkills(opts: LoadSkillsOptions): Promise<LoadedSkill[]> {
  return (await findSkills(opts)).skills;
}

/** One folder: a LoadedSkill, or why it was skipped (an empty reason: not a skill folder at all). */
async function loadSkill(dir: string, folder: string): Promise<LoadedSkill | SkippedSkill> {
  const skillMdPath = join(dir, 'SKILL.md');
  const info = await stat(skillMdPath).catch(() => undefined);
  if (!info?.isFile()) return { dir, reason: '' };
  if (info.size > MAX_SKILL_MD_BYTES) return { dir, reason: 'SKILL.md is larger than 1 MiB' };
  const parts = splitSkillMd('SKILL.md', await readFile(skillMdPath, 'utf8'));
  const fm = parts.frontmatter;
  if (!fm) return { dir, reason: parts.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
  const description = typeof fm.description === 'string' ? fm.description.trim() : '';
  if (!description) return { dir, reason: 'SKILL.md has no description' };
  const diagnostics: string[] = [];
  let name = folder;
  if (typeof fm.name === 'string' && fm.name !== '') {
    name = fm.name;
    if (name !== folder) diagnostics.push(`name "${name}" differs from its folder "${folder}"`);
  } else {
    diagnostics.push(`no name in SKILL.md; using the folder name "${folder}"`);
  }
  if (!SKILL_NAME_PATTERN.test(name) || name.length > 64) {
    diagnostics.push(`name "${name}" does not follow the Agent Skills name rule`);
  }
  if (description.length > 1024) diagnostics.push('description is longer than 1024 characters');
  diagnostics.push(...unknownFrontmatterKeys(fm, 'SKILL.md').map((p) => p.message));
  const tools = allowedTools(fm['allowed-tools']);
  return {
    name,
    description,
    dir,
    skillMdPath,
    ...(tools ? { allowedTools: tools } : {}),
    ...(fm['disable-model-invocation'] === true ? { disableModelInvocation: true } : {}),
    diagnostics,
  };
}

/**
 * `allowed-tools` as a list: the specification's space-separated string split on spaces, or a
 * YAML list (which the CLI accepts with a warning) taken item by item, trimmed, empty and
 * non-string items dropped. Undefined when the key is absent or holds neither form.
 */
function allowedTools(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value))
    return value
      .filter((t): t is string => typeof t === 'string')
      .map((t) => t.trim())
      .filter(Boolean);
  return undefined;
}

/**
 * The Markdown body of a skill's SKILL.md (after the frontmatter), read fresh: what activation
 * hands the model. Throws when the file is gone.
 * @example const body = await readSkillBody(skill)
 */
export async function readSkillBody(skill: Pick<LoadedSkill, 'skillMdPath'>): Promise<string> {
  const text = await readFile(skill.skillMdPath, 'utf8');
  return splitSkillMd('SKILL.md', text).body.trim();
}
