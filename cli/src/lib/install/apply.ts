import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lockfile } from '@skills/schemas';
import { SkillsError } from '../errors.ts';
import { type IndexedFile, skillFiles } from '../store/store-index.ts';
import type { AgentLayout } from './agent-table.ts';
import { AGENTS_SKILLS_DIR, type AgentLinkResult, syncAgentLinks } from './agents.ts';
import type { InstallPlan } from './install.ts';
import { commitTree, stageTree, writeMeta } from './skills-tree.ts';

/** What the new tree changes on disk, decided before anything is written. */
export interface TreeWork {
  /** Skill folders the previous lockfile says skills installed. */
  managed: Set<string>;
  /** Managed skills carried over untouched. */
  keep: Set<string>;
  /** Skills written fresh from the store. */
  write: Map<string, { bundle: string; sourceDir: string; files: readonly IndexedFile[] }>;
  /** Previously installed bundles whose existing skill folders are rewritten. */
  rewrittenBundles: Set<string>;
  /** Previously installed bundles that leave the tree. */
  removedBundles: Set<string>;
  /** False when no skill folder changes (only links, lockfile or skills.json do). */
  needsSwap: boolean;
}

/**
 * Decides which skill folders are kept, written or removed. A bundle whose integrity did not
 * change keeps its folders as they are (local edits included), unless `frozen` asks for the
 * exact bytes. Throws SKILL_CONFLICT when two bundles hold a skill of the same name.
 */
export async function treeWork(
  projectDir: string,
  plan: InstallPlan,
  opts: { frozen: boolean },
): Promise<TreeWork> {
  const managed = new Set(Object.values(plan.previous.bundles).flatMap((b) => b.skills));
  const present = async (skill: string) =>
    lstat(join(projectDir, AGENTS_SKILLS_DIR, skill)).then(
      () => true,
      () => false,
    );
  const work: TreeWork = {
    managed,
    keep: new Set(),
    write: new Map(),
    rewrittenBundles: new Set(),
    removedBundles: new Set(Object.keys(plan.previous.bundles).filter((n) => !plan.lock.bundles[n])),
    needsSwap: false,
  };
  const owner = new Map<string, string>();
  for (const [name, locked] of Object.entries(plan.lock.bundles).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entry = plan.entries.get(name)!;
    const unchanged = !opts.frozen && plan.previous.bundles[name]?.integrity === locked.integrity;
    for (const skill of entry.index.skills) {
      const other = owner.get(skill.name);
      if (other) {
        throw new SkillsError(
          'SKILL_CONFLICT',
          `${other} and ${name} both install a skill named "${skill.name}"`,
          {
            hint: 'skills share one folder (.agents/skills); keep only one of these bundles',
          },
        );
      }
      owner.set(skill.name, name);
      const exists = await present(skill.name);
      if (unchanged && exists && managed.has(skill.name)) {
        work.keep.add(skill.name);
        continue;
      }
      work.write.set(skill.name, {
        bundle: name,
        sourceDir: join(entry.packageDir, skill.path),
        files: skillFiles(entry.index, skill.path),
      });
      if (plan.previous.bundles[name] && exists) work.rewrittenBundles.add(name);
    }
  }
  const leaving = [...managed].filter((s) => !owner.has(s));
  const leavingPresent = (await Promise.all(leaving.map(present))).some(Boolean);
  work.needsSwap = work.write.size > 0 || leavingPresent;
  return work;
}

/**
 * Writes the planned tree: staged and swapped in when skill folders change (see commitTree),
 * then agent links, then the lockfile and skills.json (`null`: leave as is).
 */
export async function applyPlan(opts: {
  projectDir: string;
  /** Where the lockfile and skills.json go. */
  metaDir: string;
  layout?: AgentLayout;
  work: TreeWork;
  previous: Lockfile;
  lock: Lockfile;
  lockfile: string | null;
  manifest: string | null;
}): Promise<AgentLinkResult> {
  const { projectDir, work, previous, lock } = opts;
  let links: AgentLinkResult = { linked: [], warnings: [] };
  const link = async () => {
    links = await syncAgentLinks({
      projectDir,
      ...(opts.layout ? { layout: opts.layout } : {}),
      agents: lock.agents,
      skills: Object.values(lock.bundles).flatMap((b) => b.skills),
      previous: { agents: previous.agents, skills: Object.values(previous.bundles).flatMap((b) => b.skills) },
    });
  };
  if (work.needsSwap) {
    const id = await stageTree({ projectDir, managed: work.managed, keep: work.keep, write: work.write });
    await commitTree(
      projectDir,
      id,
      { lockfile: opts.lockfile, manifest: opts.manifest },
      link,
      opts.metaDir,
    );
  } else {
    await link();
    await writeMeta(opts.metaDir, { lockfile: opts.lockfile, manifest: opts.manifest });
  }
  return links;
}
