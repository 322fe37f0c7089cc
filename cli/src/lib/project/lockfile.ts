import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCKFILE_VERSION, type Lockfile, lockfileParser } from '@skills/schemas';
import { writeFileAtomic } from '../atomic-write.ts';
import { SkillsError } from '../errors.ts';
import { stringifySorted } from '../sorted-json.ts';

/** The lockfile's name, at the project root beside skills.json. */
export const LOCKFILE_NAME = 'skills-lock.json';

/** A lockfile for a project with nothing installed. */
export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, dependencies: {}, agents: [], bundles: {} };
}

/**
 * Reads and validates `<projectDir>/skills-lock.json`; undefined when there is none.
 * Throws LOCKFILE_INVALID (which never echoes the file's content) when it is not valid.
 * @example const lock = (await readLockfile(root)) ?? emptyLockfile()
 */
export async function readLockfile(projectDir: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(join(projectDir, LOCKFILE_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseLockfile(text);
}

/**
 * Parses lockfile text. Throws FOREIGN_LOCKFILE for another tool's skills-lock.json (see
 * isForeignLockfile), LOCKFILE_INVALID naming the first bad field by its path only: neither
 * values nor unknown keys from the file reach the message.
 * @example parseLockfile('{"lockfileVersion":1}') // { lockfileVersion: 1, dependencies: {}, agents: [], bundles: {} }
 */
export function parseLockfile(text: string): Lockfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('it is not valid JSON');
  }
  if (isForeignLockfile(data)) throw foreign();
  const version = (data as { lockfileVersion?: unknown } | null)?.lockfileVersion;
  if (typeof version === 'number' && version > LOCKFILE_VERSION) {
    throw new SkillsError(
      'LOCKFILE_INVALID',
      `${LOCKFILE_NAME} has lockfileVersion ${version}, newer than this CLI knows`,
      {
        hint: 'upgrade skills, or delete the lockfile and run `skills install` to write a new one',
      },
    );
  }
  const parsed = lockfileParser.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? safePath(issue.path) : '';
    const what =
      issue?.code === 'unrecognized_keys'
        ? 'has a key this version does not know'
        : (issue?.message ?? 'is invalid');
    throw invalid(`${where || 'the file'} ${what}`);
  }
  return parsed.data;
}

/**
 * The lockfile's bytes: `lockfileVersion` first, then every object's keys sorted, sets
 * (skills, agents) sorted, 2-space JSON, a trailing newline. The same tree gives the same bytes.
 * @example serializeLockfile(emptyLockfile()) // '{\n  "lockfileVersion": 1,\n  "agents": [],\n …'
 */
export function serializeLockfile(lock: Lockfile): string {
  const bundles: Record<string, unknown> = {};
  for (const [name, b] of Object.entries(lock.bundles)) {
    bundles[name] = { ...b, skills: [...b.skills].sort(), agents: [...b.agents].sort() };
  }
  return stringifySorted({ ...lock, agents: [...lock.agents].sort(), bundles }, ['lockfileVersion']);
}

/**
 * Writes the lockfile atomically (temp file + rename), after checking it against the schema so
 * a bug can never write a lockfile that the next run refuses.
 * @example await writeLockfile(root, lock)
 */
export async function writeLockfile(projectDir: string, lock: Lockfile): Promise<void> {
  const checked = lockfileParser.safeParse(lock);
  if (!checked.success) throw checked.error; // what lockfileSchema.parse throws
  await writeFileAtomic(join(projectDir, LOCKFILE_NAME), serializeLockfile(checked.data));
}

/** How skills.json's dependencies differ from those the lockfile was resolved for. */
export interface LockfileDrift {
  added: string[];
  removed: string[];
  changed: { name: string; from: string; to: string }[];
}

/**
 * Compares the dependencies of skills.json with the ones recorded in the lockfile; the lockfile
 * is current when nothing was added, removed or changed.
 * @example lockfileDrift(lock, { a: '^1' }) // { added: [], removed: [], changed: [] }
 */
export function lockfileDrift(lock: Lockfile, dependencies: Record<string, string>): LockfileDrift {
  const drift: LockfileDrift = { added: [], removed: [], changed: [] };
  for (const [name, range] of Object.entries(dependencies)) {
    const locked = lock.dependencies[name];
    if (locked === undefined) drift.added.push(name);
    else if (locked !== range) drift.changed.push({ name, from: locked, to: range });
  }
  for (const name of Object.keys(lock.dependencies)) if (!(name in dependencies)) drift.removed.push(name);
  drift.added.sort();
  drift.removed.sort();
  drift.changed.sort((a, b) => (a.name < b.name ? -1 : 1));
  return drift;
}

/** True when the drift is empty. */
export function isCurrent(drift: LockfileDrift): boolean {
  return drift.added.length === 0 && drift.removed.length === 0 && drift.changed.length === 0;
}

/**
 * True for a skills-lock.json written by another installer: the `skills` CLI of vercel-labs
 * writes `{"version": 1, "skills": {…}}` under the same name. Ours always has `lockfileVersion`.
 * @example isForeignLockfile({ version: 1, skills: {} }) // true
 */
export function isForeignLockfile(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  return !('lockfileVersion' in data) && ('version' in data || 'skills' in data);
}

function foreign(): SkillsError {
  return new SkillsError(
    'FOREIGN_LOCKFILE',
    `${LOCKFILE_NAME} was written by another installer (it has "version" and "skills", not "lockfileVersion"); skills never reads or overwrites it`,
    {
      hint: 'one project, one installer: keep using the other CLI here, or move its lockfile away (and commit that) before running skills install. Nothing was changed',
    },
  );
}

function invalid(why: string): SkillsError {
  return new SkillsError('LOCKFILE_INVALID', `${LOCKFILE_NAME} is not a valid lockfile: ${why}`, {
    hint: 'restore it from version control, or delete it and run `skills install` to resolve again',
  });
}

/** A zod issue path for a message: segments that are not plain names are shown as `…`. */
function safePath(path: readonly PropertyKey[]): string {
  return path
    .map((p) =>
      typeof p === 'number' ? `[${p}]` : /^[A-Za-z0-9@/._-]{1,130}$/.test(String(p)) ? String(p) : '…',
    )
    .join('.')
    .replace(/\.\[/g, '[');
}
