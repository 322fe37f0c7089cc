import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectFiles, inspectBundle, validateDirectory } from '@skills/archive';
import { type BundleManifest, bundleManifestSchema, formatProblem, type Problem } from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { checkedVersion, manifestFile, manifestForSkill } from './bare-skill.ts';

/** What a folder already holds, as `skills init` sees it. */
export type ExistingLayout =
  | { kind: 'single' }
  | { kind: 'multi'; skills: string[] }
  | { kind: 'siblings'; folders: string[] }
  | { kind: 'empty' };

/**
 * The skills already in `dir`: a SKILL.md at its root (one skill), `skills/NAME/SKILL.md`
 * (one multi-skill bundle), or child folders each with a SKILL.md (sibling skills, each its own
 * bundle); otherwise nothing, and init scaffolds a new bundle.
 */
export async function existingLayout(dir: string): Promise<ExistingLayout> {
  if (await isFile(join(dir, 'SKILL.md'))) return { kind: 'single' };
  const multi = await foldersWithSkillMd(join(dir, 'skills'));
  if (multi.length > 0) return { kind: 'multi', skills: multi };
  const siblings = await foldersWithSkillMd(dir);
  if (siblings.length > 0) return { kind: 'siblings', folders: siblings };
  return { kind: 'empty' };
}

/** What `skills init` was told about the manifest it writes. */
export interface InitChoices {
  /** Given with --version, or asked for; a single skill may fall back to its `metadata.version`. */
  version: string | undefined;
  license: string | undefined;
  /** --name: the bundle name (a multi-skill bundle, or `@scope/SKILL` for a single skill). */
  name: string | undefined;
  description: string | undefined;
}

/**
 * The skill.json for an existing single skill (`dir/SKILL.md`) or multi-skill bundle
 * (`dir/skills/NAME/SKILL.md`), checked with the folder's files before anything is written:
 * the folder with it must be a valid bundle.
 * @throws SkillsError ALREADY_EXISTS when `dir/skill.json` exists, INVALID_BUNDLE with every
 * problem when the folder plus this manifest would not be a valid bundle, USAGE without a version.
 */
export async function manifestForFolder(
  dir: string,
  layout: 'single' | 'multi',
  choices: InitChoices,
  fallbackName: string,
): Promise<BundleManifest> {
  if (await isFile(join(dir, 'skill.json'))) {
    throw new SkillsError('ALREADY_EXISTS', `${dir} already has skill.json`, {
      hint: 'init never overwrites; edit that skill.json instead',
    });
  }
  const found = await validateDirectory(dir);
  let manifest: BundleManifest;
  if (layout === 'single') {
    const skill = found.skills.find((s) => s.path === '.');
    if (!skill) throw invalid(dir, found.problems);
    const version = choices.version ?? skill.frontmatter.metadata?.version;
    if (version === undefined) throw versionRequired(dir);
    manifest = manifestForSkill(skill, { version, license: choices.license });
    if (choices.name !== undefined) manifest = { ...manifest, name: choices.name };
  } else {
    if (choices.version === undefined) throw versionRequired(dir);
    const candidate = {
      name: choices.name ?? fallbackName,
      version: checkedVersion(choices.version),
      ...(choices.description !== undefined ? { description: choices.description } : {}),
      ...(choices.license !== undefined ? { license: choices.license } : {}),
    };
    const parsed = bundleManifestSchema.safeParse(candidate);
    if (!parsed.success)
      throw new SkillsError('USAGE', `skill.json would not be valid: ${parsed.error.message}`);
    manifest = parsed.data;
  }
  const files = [...(await collectFiles(dir)), manifestFile(manifest)];
  const checked = inspectBundle(files);
  if (!checked.ok) throw invalid(dir, checked.problems);
  return manifest;
}

/** Writes `dir/skill.json`, never over an existing file (`wx`). */
export async function writeManifest(dir: string, manifest: BundleManifest): Promise<void> {
  await writeFile(join(dir, 'skill.json'), manifestFile(manifest).data, { flag: 'wx' });
}

function versionRequired(dir: string): SkillsError {
  return new SkillsError('USAGE', `${dir} has skills but no version to put in skill.json`, {
    hint: 'pass --version, e.g. --version 1.0.0',
    exitCode: 2,
  });
}

function invalid(dir: string, problems: Problem[]): SkillsError {
  const errors = problems.filter((p) => p.severity === 'error');
  return new SkillsError(
    'INVALID_BUNDLE',
    `${dir} would not be a valid bundle with a skill.json: ${errors.length} error${errors.length === 1 ? '' : 's'}${errors[0] ? `, first ${formatProblem(errors[0])}` : ''}`,
    { hint: 'run `skills validate` on it, fix what it lists, and run init again', details: { problems } },
  );
}

async function foldersWithSkillMd(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await isFile(join(dir, e.name, 'SKILL.md')))) {
      out.push(e.name);
    }
  }
  return out.sort();
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
