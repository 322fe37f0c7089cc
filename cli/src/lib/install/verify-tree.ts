import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { LockedBundle, Lockfile } from '@skills/schemas';
import type { StoreEntry } from '../store/store.ts';
import { skillFiles } from '../store/store-index.ts';
import { type AgentLayout, agentFolder, PROJECT_LAYOUT } from './agent-table.ts';
import { AGENTS, AGENTS_SKILLS_DIR, agentLinkTarget } from './agents.ts';

/** One difference between what is installed and what the lockfile's bundles hold. */
export interface TreeProblem {
  /** `changed`: other bytes or mode; `missing`: a file or skill folder is gone; `extra`: a file no bundle has; `link`: an agent's link is missing or points elsewhere. */
  kind: 'changed' | 'missing' | 'extra' | 'link';
  bundle: string;
  skill: string;
  /** Relative to the project root. */
  path: string;
  agent?: string;
}

/**
 * Compares each installed skill of the lockfile's bundles with the files its store entry
 * holds (hashes and modes), and each agent link with what install makes. Reports every
 * changed, missing and extra file; skills that no bundle owns are not looked at.
 * @example const { problems } = await verifyInstalled({ projectDir, lock, entryFor })
 */
export async function verifyInstalled(opts: {
  projectDir: string;
  lock: Lockfile;
  /** The store entry of a locked bundle (fetched into the store when missing). */
  entryFor: (name: string, locked: LockedBundle) => Promise<StoreEntry>;
  /** Limit the check to these bundles. */
  only?: ReadonlySet<string>;
  /** Which agent folders the links are in (project by default). */
  layout?: AgentLayout;
}): Promise<{ problems: TreeProblem[]; files: number }> {
  const problems: TreeProblem[] = [];
  let files = 0;
  for (const [bundle, locked] of Object.entries(opts.lock.bundles).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (opts.only && !opts.only.has(bundle)) continue;
    const entry = await opts.entryFor(bundle, locked);
    for (const skill of [...locked.skills].sort()) {
      const stored = entry.index.skills.find((s) => s.name === skill);
      const root = join(opts.projectDir, AGENTS_SKILLS_DIR, skill);
      const rel = (p: string) => relative(opts.projectDir, join(root, p)) || '.';
      const expected = stored ? skillFiles(entry.index, stored.path) : [];
      const actual = await listFiles(root);
      if (actual === undefined) {
        problems.push({ kind: 'missing', bundle, skill, path: rel('') });
        continue;
      }
      for (const f of expected) {
        files++;
        const got = actual.get(f.path);
        if (!got) problems.push({ kind: 'missing', bundle, skill, path: rel(f.path) });
        else if (
          !got.file ||
          got.executable !== f.executable ||
          (await hashOf(join(root, f.path))) !== f.integrity
        ) {
          problems.push({ kind: 'changed', bundle, skill, path: rel(f.path) });
        }
      }
      const known = new Set(expected.map((f) => f.path));
      for (const path of [...actual.keys()].sort()) {
        if (!known.has(path)) problems.push({ kind: 'extra', bundle, skill, path: rel(path) });
      }
      problems.push(
        ...(await checkLinks(
          opts.projectDir,
          opts.lock.agents,
          bundle,
          skill,
          opts.layout ?? PROJECT_LAYOUT,
        )),
      );
    }
  }
  return { problems, files };
}

/** Every non-folder entry under `root`, by relative path; undefined when `root` is not a folder. */
async function listFiles(
  root: string,
): Promise<Map<string, { file: boolean; executable: boolean }> | undefined> {
  const s = await lstat(root).catch(() => undefined);
  if (!s?.isDirectory()) return undefined;
  const out = new Map<string, { file: boolean; executable: boolean }>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const st = await lstat(full);
        out.set(relative(root, full).split('\\').join('/'), {
          file: st.isFile(),
          executable: (st.mode & 0o111) !== 0,
        });
      }
    }
  };
  await walk(root);
  return out;
}

async function hashOf(path: string): Promise<string> {
  return `sha512-${createHash('sha512')
    .update(await readFile(path))
    .digest('base64')}`;
}

async function checkLinks(
  projectDir: string,
  agents: readonly string[],
  bundle: string,
  skill: string,
  layout: AgentLayout,
): Promise<TreeProblem[]> {
  const out: TreeProblem[] = [];
  const root = await realpath(projectDir);
  for (const agent of agents) {
    const info = AGENTS[agent];
    if (!info || agentFolder(info, layout) === AGENTS_SKILLS_DIR) continue;
    const path = join(projectDir, agentFolder(info, layout), skill);
    // Install links from the folder's real place (it may be a symlink inside the project).
    const dir = await realpath(dirname(path)).catch(() => dirname(path));
    const target = agentLinkTarget({ root, dir }, skill);
    const s = await lstat(path).catch(() => undefined);
    const ok = s?.isDirectory() || (s?.isSymbolicLink() && (await readlink(path)) === target);
    if (!ok) out.push({ kind: 'link', bundle, skill, agent, path: relative(projectDir, path) });
  }
  return out;
}
