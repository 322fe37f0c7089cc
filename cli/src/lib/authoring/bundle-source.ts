import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import {
  ArchiveError,
  type BundleFile,
  type BundleInspection,
  inspectBundle,
  integrityOf,
  packDirectory,
  packFiles,
  readArchive,
  validateDirectory,
} from '@skills/archive';
import { type BundleManifest, formatProblem, type Problem } from '@skills/schemas';
import { SkillsError } from '../errors.ts';

/** A bundle ready to upload: its canonical tarball and what is in it. */
export interface PackedBundle {
  manifest: BundleManifest;
  tarball: Buffer;
  integrity: string;
  files: BundleFile[];
  inspection: BundleInspection;
}

/**
 * Where `skills validate` and friends look: the folder named (a path to a SKILL.md means its
 * folder), relative to `cwd`.
 * @example await bundleDir('skills/a/SKILL.md', '/repo') // '/repo/skills/a'
 */
export async function bundleDir(arg: string | undefined, cwd: string): Promise<string> {
  const target = resolve(cwd, arg ?? '.');
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new SkillsError('NOT_FOUND', `${target} does not exist`, { exitCode: 1 });
  if (info.isFile() && basename(target) === 'SKILL.md') return dirname(target);
  if (!info.isDirectory()) {
    throw new SkillsError('USAGE', `${target} is not a folder`, {
      hint: 'give a bundle folder, a skill folder or its SKILL.md',
      exitCode: 2,
    });
  }
  return target;
}

/**
 * Validates a folder as a bundle; when it is a plain Agent Skills folder (a SKILL.md without
 * skill.json or `metadata.version`), validates it as a skill instead: its name must equal the
 * folder's, and not being publishable is a warning. Never throws on bad content.
 * @example const result = await inspectFolder('/repo/my-skill', { strict: true })
 */
export async function inspectFolder(dir: string, opts: { strict?: boolean } = {}): Promise<BundleInspection> {
  const result = await validateDirectory(dir, { strict: opts.strict ?? false });
  const plainSkill = result.problems.some((p) => p.code === 'MISSING_MANIFEST' && p.path === 'skill.json');
  const root = result.skills.find((s) => s.path === '.');
  if (!plainSkill || !root) return result;
  const problems: Problem[] = result.problems.map((p) =>
    p.code === 'MISSING_MANIFEST' && p.path === 'skill.json'
      ? { ...p, severity: 'warning', message: `${p.message} (valid as a skill; not publishable as it is)` }
      : p,
  );
  if (root.name !== basename(dir)) {
    problems.push({
      path: 'SKILL.md: frontmatter.name',
      code: 'NAME_MISMATCH',
      severity: 'error',
      message: `"${root.name}" must equal the skill's folder name "${basename(dir)}"`,
    });
  }
  return { ...result, problems, ok: !problems.some((p) => p.severity === 'error') };
}

/**
 * Validates and packs a bundle folder, or reads, checks and re-packs a `.tgz` canonically (so
 * the integrity shown is the one the registry will compute). Throws INVALID_BUNDLE with every
 * problem in `details.problems`, or the archive's code (PATH_TRAVERSAL, LINK_ENTRY, …) for a
 * tarball it refuses.
 * @example const { tarball, integrity, manifest } = await loadBundle('./my-bundle', cwd)
 */
export async function loadBundle(arg: string | undefined, cwd: string): Promise<PackedBundle> {
  const target = resolve(cwd, arg ?? '.');
  const info = await stat(target).catch(() => undefined);
  if (info?.isFile() && basename(target) !== 'SKILL.md') {
    let files: BundleFile[];
    try {
      files = (await readArchive(await readFile(target))).files;
    } catch (err) {
      throw err instanceof ArchiveError ? archiveError(err, target) : err;
    }
    const inspection = inspectBundle(files);
    if (!inspection.ok || !inspection.manifest) throw invalidBundle(inspection.problems, target);
    const tarball = guarded(() => packFiles(files), target);
    return { manifest: inspection.manifest, tarball, integrity: integrityOf(tarball), files, inspection };
  }
  const dir = await bundleDir(arg, cwd);
  const inspection = await validateDirectory(dir);
  if (!inspection.ok || !inspection.manifest) throw invalidBundle(inspection.problems, dir);
  const packed = await packDirectory(dir).catch((err: unknown) => {
    throw err instanceof ArchiveError ? archiveError(err, dir) : err;
  });
  return { manifest: inspection.manifest, ...packed, inspection };
}

function guarded<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof ArchiveError ? archiveError(err, where) : err;
  }
}

/** `@acme/deploy` 1.2.0 → `acme-deploy-1.2.0.tgz`, as npm names packed files. */
export function tarballFileName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

function invalidBundle(problems: Problem[], where: string): SkillsError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  return new SkillsError(
    'INVALID_BUNDLE',
    `${where} is not a valid bundle: ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `, first ${formatProblem(first)}` : ''}`,
    { hint: 'run `skills validate` to see every problem', details: { problems } },
  );
}

function archiveError(err: ArchiveError, where: string): SkillsError {
  return new SkillsError(err.code, `${where}: ${err.message}`, {
    hint: 'a bundle holds only regular files with plain relative paths',
    cause: err,
  });
}
