import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.ts';
import { SkillsError } from '../errors.ts';
import { mapLimit } from '../parallel.ts';
import { LOCKFILE_NAME } from '../project/lockfile.ts';
import { MANIFEST_NAME } from '../project/project.ts';
import type { IndexedFile } from '../store/store-index.ts';
import { carryTree, copyFromStore } from './tree-copy.ts';

const STAGING = '.staging-';
const OLD = '.old-';
/** Written once the new tree is staged; its presence means "finish this swap". */
const JOURNAL = '.skills-install.json';

/** What the new `.agents/skills` holds. */
export interface TreePlan {
  projectDir: string;
  /** Skill folders the current lockfile says skills installed; every other entry is the user's. */
  managed: ReadonlySet<string>;
  /** Managed skills carried over as they are (their bundle did not change). */
  keep: ReadonlySet<string>;
  /** Skills written fresh from the store: folder in the store and the files it holds. */
  write: ReadonlyMap<string, { sourceDir: string; files: readonly IndexedFile[] }>;
}

/** The files to write once the tree is in place, kept in the journal so a crash can finish them. */
export interface TreeCommit {
  lockfile: string | null;
  manifest: string | null;
}

/** Paths inside `<project>/.agents`. */
export function treePaths(projectDir: string, id = '') {
  const agentsDir = join(projectDir, '.agents');
  return {
    agentsDir,
    skillsDir: join(agentsDir, 'skills'),
    staging: join(agentsDir, `${STAGING}${id}`),
    old: join(agentsDir, `${OLD}${id}`),
    journal: join(agentsDir, JOURNAL),
  };
}

/**
 * Builds the new skills tree in `.agents/.staging-<id>`: the user's own entries and unchanged
 * skills carried over (hard links, nothing copied), new and changed skills copied from the
 * store. Throws SKILL_EXISTS when a new skill would replace a folder skills did not install.
 * Returns the id to pass to commitTree.
 */
export async function stageTree(plan: TreePlan): Promise<string> {
  const id = randomBytes(6).toString('hex');
  const p = treePaths(plan.projectDir, id);
  const existing = await readdir(p.skillsDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  for (const name of existing) {
    if (plan.write.has(name) && !plan.managed.has(name)) {
      throw new SkillsError('SKILL_EXISTS', `.agents/skills/${name} exists and was not installed by skills`, {
        hint: 'rename or remove your own folder of that name; skills never overwrites it',
      });
    }
  }
  await mkdir(p.staging, { recursive: true });
  try {
    // Each skill is its own folder: they are carried and copied 8 at a time.
    const carried = existing.filter(
      (name) => !plan.write.has(name) && (!plan.managed.has(name) || plan.keep.has(name)),
    );
    const tasks: (() => Promise<void>)[] = [
      ...carried.map((name) => () => carryTree(join(p.skillsDir, name), join(p.staging, name))),
      ...[...plan.write].map(
        ([name, source]) =>
          () =>
            copyFromStore(source.sourceDir, source.files, join(p.staging, name)),
      ),
    ];
    await mapLimit(tasks, 8, (task) => task());
  } catch (err) {
    await rm(p.staging, { recursive: true, force: true });
    throw err;
  }
  return id;
}

/**
 * Puts a staged tree in place and writes the lockfile and skills.json, so that a crash at any
 * point leaves the old tree or the new one (plus leftovers that recoverTree finishes):
 * journal → rename `.agents/skills` to `.old-<id>` → rename `.staging-<id>` to `.agents/skills`
 * → `afterSwap` (agent links) → lockfile and skills.json → journal and old tree removed.
 */
export async function commitTree(
  projectDir: string,
  id: string,
  commit: TreeCommit,
  afterSwap: () => Promise<void>,
  /** Where the lockfile and skills.json go (the project, or the global config folder). */
  metaDir = projectDir,
): Promise<void> {
  const p = treePaths(projectDir, id);
  await writeFileAtomic(p.journal, `${JSON.stringify({ id, ...commit })}\n`);
  if (await exists(p.skillsDir)) await rename(p.skillsDir, p.old);
  await rename(p.staging, p.skillsDir);
  await afterSwap();
  await finish(projectDir, metaDir, id, commit);
}

async function finish(projectDir: string, metaDir: string, id: string, commit: TreeCommit): Promise<void> {
  const p = treePaths(projectDir, id);
  await writeMeta(metaDir, commit);
  await rm(p.journal, { force: true });
  await rm(p.old, { recursive: true, force: true });
}

/**
 * Writes skills-lock.json and skills.json into `metaDir` (made when missing; `null`: left as is).
 * @example await writeMeta(projectDir, { lockfile: text, manifest: null })
 */
export async function writeMeta(metaDir: string, commit: TreeCommit): Promise<void> {
  if (commit.lockfile === null && commit.manifest === null) return;
  await mkdir(metaDir, { recursive: true });
  if (commit.lockfile !== null) await writeFileAtomic(join(metaDir, LOCKFILE_NAME), commit.lockfile);
  if (commit.manifest !== null) await writeFileAtomic(join(metaDir, MANIFEST_NAME), commit.manifest);
}

/**
 * Finishes or undoes what a killed install left in `.agents`; call it holding the install mutex.
 * With a journal: a swap cut between its two renames is completed; a finished swap gets its
 * lockfile and skills.json written; a swap never started is dropped (the old tree stands).
 * Without one: staging folders are deleted, and an old tree is put back if `.agents/skills` is
 * missing, else deleted. Returns what it did.
 */
export async function recoverTree(
  projectDir: string,
  metaDir = projectDir,
): Promise<'clean' | 'completed' | 'discarded'> {
  const base = treePaths(projectDir);
  let journal: ({ id: string } & TreeCommit) | undefined;
  try {
    journal = JSON.parse(await readFile(base.journal, 'utf8')) as { id: string } & TreeCommit;
  } catch {
    journal = undefined;
  }
  let outcome: 'clean' | 'completed' | 'discarded' = 'clean';
  if (journal && /^[0-9a-f]{12}$/.test(journal.id)) {
    const p = treePaths(projectDir, journal.id);
    const [staged, live] = await Promise.all([exists(p.staging), exists(p.skillsDir)]);
    if (staged !== live) {
      // Cut between the two renames (staged, not live), or after the swap (live, not staged).
      if (staged) await rename(p.staging, p.skillsDir);
      await finish(projectDir, metaDir, journal.id, {
        lockfile: journal.lockfile,
        manifest: journal.manifest,
      });
      outcome = 'completed';
    } else {
      outcome = 'discarded'; // the swap never started: the old tree and lockfile stand
    }
  }
  await rm(base.journal, { force: true });
  const names = await readdir(base.agentsDir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.startsWith(`.${JOURNAL}.`) || x.startsWith(STAGING))) {
    await rm(join(base.agentsDir, n), { recursive: true, force: true });
    if (outcome === 'clean') outcome = 'discarded';
  }
  for (const n of names.filter((x) => x.startsWith(OLD))) {
    if (!(await exists(base.skillsDir))) await rename(join(base.agentsDir, n), base.skillsDir);
    else await rm(join(base.agentsDir, n), { recursive: true, force: true });
  }
  return outcome;
}

/** True when `.agents` holds leftovers of an interrupted install (for commands that only read). */
export async function hasLeftovers(projectDir: string): Promise<boolean> {
  const names = await readdir(treePaths(projectDir).agentsDir).catch(() => [] as string[]);
  return names.some((n) => n === JOURNAL || n.startsWith(STAGING) || n.startsWith(OLD));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
