import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type ProjectManifest, projectManifestSchema } from '@skills/schemas';
import { writeFileAtomic } from '../atomic-write.ts';
import { SkillsError } from '../errors.ts';

/** The project manifest's name. */
export const MANIFEST_NAME = 'skills.json';

/** skills.json as validated, plus the raw object so unknown keys survive a rewrite. */
export interface ProjectFile {
  manifest: ProjectManifest;
  raw: Record<string, unknown>;
  /** The indentation the file used, kept on rewrite. */
  indent: string;
}

/**
 * The project root: the nearest directory at or above `cwd` holding skills.json, else `cwd`
 * itself (where `skills install NAME` then creates one).
 * @example await findProjectRoot('/repo/src/deep') // '/repo' when /repo/skills.json exists
 */
export async function findProjectRoot(cwd: string): Promise<string> {
  let dir = resolve(cwd);
  for (;;) {
    try {
      await access(join(dir, MANIFEST_NAME));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return resolve(cwd);
      dir = parent;
    }
  }
}

/**
 * Reads `<dir>/skills.json`; undefined when there is none. Throws MANIFEST_INVALID naming the
 * first bad field (never echoing values) when it is not a valid project manifest.
 * @example const project = await readProjectFile(root)
 */
export async function readProjectFile(dir: string): Promise<ProjectFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('it is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('it is not a JSON object');
  const parsed = projectManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = (issue?.path ?? []).map((p) =>
      /^[A-Za-z0-9@/._-]{1,130}$/.test(String(p)) ? String(p) : '…',
    );
    throw invalid(`${where.join('.') || 'the file'} ${issue?.message ?? 'is invalid'}`);
  }
  const indent = /^[ \t]+/m.exec(text)?.[0] ?? '  ';
  return { manifest: parsed.data, raw: raw as Record<string, unknown>, indent };
}

/** A new skills.json for a project that had none. */
export function newProjectFile(): ProjectFile {
  return { manifest: { dependencies: {} }, raw: {}, indent: '  ' };
}

/**
 * Writes skills.json atomically: the keys it had stay where they were (unknown ones included),
 * `dependencies` is sorted by name, the indentation is kept.
 * @example await writeProjectFile(root, withDependencies(project, { 'deploy-vercel': '^1.2.0' }))
 */
export async function writeProjectFile(dir: string, project: ProjectFile): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_NAME), serializeProjectFile(project));
}

/** The bytes writeProjectFile writes. */
export function serializeProjectFile(project: ProjectFile): string {
  return `${JSON.stringify(project.raw, null, project.indent)}\n`;
}

/**
 * A copy of `project` whose dependencies are `dependencies`, sorted by name.
 * @example withDependencies(project, { b: '^1', a: 'latest' }).raw.dependencies // { a: 'latest', b: '^1' }
 */
export function withDependencies(project: ProjectFile, dependencies: Record<string, string>): ProjectFile {
  const sorted = Object.fromEntries(
    Object.entries(dependencies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    ...project,
    manifest: { ...project.manifest, dependencies: sorted },
    raw: { ...project.raw, dependencies: sorted },
  };
}

/**
 * A copy of `project` with `agents` set (sorted, without duplicates), or removed when empty and
 * it had none before.
 */
export function withAgents(project: ProjectFile, agents: readonly string[]): ProjectFile {
  const list = [...new Set(agents)].sort();
  if (list.length === 0 && project.raw.agents === undefined) return project;
  return {
    ...project,
    manifest: { ...project.manifest, agents: list },
    raw: { ...project.raw, agents: list },
  };
}

function invalid(why: string): SkillsError {
  return new SkillsError('MANIFEST_INVALID', `${MANIFEST_NAME} is not a valid project manifest: ${why}`, {
    hint: 'fix skills.json; it holds "dependencies" (name → range), "agents" and "registry"',
  });
}
