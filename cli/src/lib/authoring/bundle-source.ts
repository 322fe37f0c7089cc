import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  ArchiveError,
  type BundleFile,
  type BundleInspection,
  collectFiles,
  folderNameWarning,
  type InspectedSkill,
  inspectBundle,
  integrityOf,
  packDirectory,
  packFiles,
  readArchive,
  validateDirectory,
} from '@skills/archive';
import { type BundleManifest, formatProblem, type Problem } from '@skills/schemas';
import { SkillsError, usageError } from '../errors.ts';
import { bareSkill, checkedVersion, manifestFile, manifestForSkill } from './bare-skill.ts';

/** A bundle ready to upload: its canonical tarball and what is in it. */
export interface PackedBundle {
  manifest: BundleManifest;
  tarball: Buffer;
  integrity: string;
  files: BundleFile[];
  inspection: BundleInspection;
  /** Files in the tarball that are not in the folder: `skill.json` for a bare skill published with `--version`. */
  generated: string[];
}

/** How to read a bundle source. */
export interface LoadOptions {
  /**
   * The version to publish: required for a bare skill folder (a skill.json with it is packed
   * into the tarball; the folder is not touched), otherwise it must equal the bundle's own.
   */
  version?: string | undefined;
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
 * skill.json or `metadata.version`), validates it as a skill instead, and not being publishable
 * as it is becomes a warning. A root SKILL.md without skill.json is held to the folder-name rule
 * like a skill under skills/: a warning naming where it installs (an error when strict).
 * Never throws on bad content.
 * @example const result = await inspectFolder('/repo/my-skill', { strict: true })
 */
export async function inspectFolder(dir: string, opts: { strict?: boolean } = {}): Promise<BundleInspection> {
  const strict = opts.strict ?? false;
  const result = await validateDirectory(dir, { strict });
  const root = result.skills.find((s) => s.path === '.');
  if (!root || (await stat(join(dir, 'skill.json')).catch(() => undefined))) return result;
  const bare = bareSkill(result) !== undefined;
  const problems: Problem[] = result.problems.map((p) =>
    bare && p.code === 'MISSING_MANIFEST' && p.path === 'skill.json'
      ? {
          ...p,
          severity: 'warning',
          message:
            'there is no skill.json: valid as a skill; publish it as it is with `skills publish DIR --version X`, or add one with `skills init DIR --version X`',
        }
      : p,
  );
  if (root.name !== basename(dir)) {
    const w = folderNameWarning('SKILL.md: frontmatter.name', root.name, basename(dir));
    problems.push(strict ? { ...w, severity: 'error' } : w);
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
export async function loadBundle(
  arg: string | undefined,
  cwd: string,
  opts: LoadOptions = {},
): Promise<PackedBundle> {
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
    checkVersion(inspection.manifest, opts.version, target);
    const tarball = guarded(() => packFiles(files), target);
    const integrity = integrityOf(tarball);
    return { manifest: inspection.manifest, tarball, integrity, files, inspection, generated: [] };
  }
  const dir = await bundleDir(arg, cwd);
  const inspection = await validateDirectory(dir);
  const bare = opts.version !== undefined ? bareSkill(inspection) : undefined;
  if (bare && opts.version !== undefined) return packBareSkill(dir, bare, opts.version);
  if (!inspection.ok || !inspection.manifest) throw invalidBundle(inspection.problems, dir);
  checkVersion(inspection.manifest, opts.version, dir);
  const packed = await packDirectory(dir).catch((err: unknown) => {
    throw err instanceof ArchiveError ? archiveError(err, dir) : err;
  });
  return { manifest: inspection.manifest, ...packed, inspection, generated: [] };
}

/**
 * A bare skill folder packed as a bundle: its files as they are, plus a generated skill.json
 * (name and description from the frontmatter, the version given). The registry reads that
 * skill.json like any other, so everything it knows still comes from the archive.
 */
async function packBareSkill(dir: string, skill: InspectedSkill, version: string): Promise<PackedBundle> {
  const manifest = manifestForSkill(skill, { version });
  const own = await collectFiles(dir).catch((err: unknown) => {
    throw err instanceof ArchiveError ? archiveError(err, dir) : err;
  });
  const files = [...own, manifestFile(manifest)];
  const inspection = inspectBundle(files);
  if (!inspection.ok || !inspection.manifest) throw invalidBundle(inspection.problems, dir);
  const tarball = guarded(() => packFiles(files), dir);
  const integrity = integrityOf(tarball);
  return { manifest: inspection.manifest, tarball, integrity, files, inspection, generated: ['skill.json'] };
}

/** `--version` on a bundle that has its own version must agree with it. */
function checkVersion(manifest: BundleManifest, version: string | undefined, where: string): void {
  if (version === undefined || checkedVersion(version) === manifest.version) return;
  throw usageError(
    `${where} is ${manifest.name}@${manifest.version}; --version ${version} does not match it`,
    '--version is for a skill folder without skill.json or metadata.version; change the version in the bundle instead',
  );
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
    {
      hint: problems.some((p) => p.code === 'MISSING_MANIFEST' && p.path === 'skill.json')
        ? 'to publish a skill folder as it is, pass --version X (a skill.json is generated into the tarball), or run `skills init --version X` to add one'
        : 'run `skills validate` to see every problem',
      details: { problems },
    },
  );
}

function archiveError(err: ArchiveError, where: string): SkillsError {
  return new SkillsError(err.code, `${where}: ${err.message}`, {
    hint: 'a bundle holds only regular files with plain relative paths',
    cause: err,
  });
}
