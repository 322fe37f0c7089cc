import { cp, lstat, mkdir, readdir, readlink, realpath, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { usageError } from '../errors.ts';
import { mapLimit } from '../parallel.ts';
import {
  AGENT_ALIASES,
  AGENTS,
  type AgentInfo,
  type AgentLayout,
  agentFolder,
  PROJECT_LAYOUT,
} from './agent-table.ts';
import { removeEntry, resolveInsideProject } from './safe-path.ts';

/** File system operations on agent links in flight at once. */
const LINK_WORK = 16;

export { AGENT_ALIASES, AGENTS, type AgentInfo } from './agent-table.ts';

/** The cross-agent folder every installed skill is written to, once. */
export const AGENTS_SKILLS_DIR = '.agents/skills';

/**
 * The folders, relative to the project root, that an install with these agents writes into or
 * removes from: `.agents/skills` and each known agent's folder. Each must stay inside the
 * project (see resolveInsideProject).
 * @example installFolders(['claude']) // ['.agents/skills', '.claude/skills']
 */
export function installFolders(agents: readonly string[], layout: AgentLayout = PROJECT_LAYOUT): string[] {
  const dirs = agents.flatMap((n) => (Object.hasOwn(AGENTS, n) ? [agentFolder(AGENTS[n]!, layout)] : []));
  return [...new Set([AGENTS_SKILLS_DIR, ...dirs])];
}

/**
 * Parses `--agent a,b` values (repeatable, comma-separated) into sorted known agent names.
 * Throws USAGE naming an unknown agent and listing the known ones.
 * @example parseAgentList(['claude,codex', 'cursor']) // ['claude', 'codex', 'cursor']
 */
export function parseAgentList(values: readonly string[]): string[] {
  const names = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((s) => AGENT_ALIASES[s] ?? s);
  for (const n of names) {
    if (!Object.hasOwn(AGENTS, n)) {
      throw usageError(
        `unknown agent "${n.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}"`,
        `known agents: ${Object.keys(AGENTS).join(', ')}, or all (every agent whose folder exists)`,
      );
    }
  }
  return [...new Set(names)].sort();
}

/**
 * Replaces `all` in `--agent` values with every agent whose own folder exists under `root` (the
 * folder that holds its skills folder: `.claude`, `.github`, `.config/opencode`, …); agents that
 * read the shared `.agents/skills` there need no link and are left out. Other values pass through.
 * @example await expandAllAgents(['all'], '/repo') // ['claude', 'cursor'] when /repo/.claude and /repo/.cursor exist
 */
export async function expandAllAgents(
  values: readonly string[],
  root: string,
  layout: AgentLayout = PROJECT_LAYOUT,
): Promise<string[]> {
  const parts = values.flatMap((v) => v.split(',')).map((s) => s.trim());
  if (!parts.some((p) => p.toLowerCase() === 'all')) return [...values];
  const linked = Object.values(AGENTS).filter((a) => agentFolder(a, layout) !== AGENTS_SKILLS_DIR);
  const present = await mapLimit(linked, LINK_WORK, async (a) => {
    const s = await lstat(join(root, dirname(agentFolder(a, layout)))).catch(() => undefined);
    return s?.isDirectory() || s?.isSymbolicLink() ? [a.name] : [];
  });
  return [...parts.filter((p) => p.toLowerCase() !== 'all'), ...present.flat()];
}

/** Skills that were, and are to be, visible to which agents. */
export interface AgentLinkPlan {
  projectDir: string;
  agents: readonly string[];
  skills: readonly string[];
  /** What the previous lockfile recorded: only those targets may be replaced or removed. */
  previous: { agents: readonly string[]; skills: readonly string[] };
  /** Which agent folders: the project's (default) or the global ones under the home folder. */
  layout?: AgentLayout;
  /** For tests: the symlink call, to exercise the copy fallback. */
  symlink?: typeof symlink;
}

/** What syncAgentLinks did: targets by agent, how each was made, and what it left alone. */
export interface AgentLinkResult {
  linked: { agent: string; skill: string; path: string; mode: 'symlink' | 'copy' }[];
  warnings: string[];
}

/**
 * Makes each skill of `.agents/skills` visible in each agent's folder with a relative symlink
 * (`.claude/skills/x → ../../.agents/skills/x`), copying only where symlinks fail; removes the
 * links of skills or agents no longer wanted. Never touches an entry it did not make: one that
 * the previous lockfile does not record is left alone with a warning. Never removes through a
 * symlink (a link is unlinked, its target untouched); the caller has checked the agent folders
 * with resolveInsideProject.
 * @example await syncAgentLinks({ projectDir, agents: ['claude'], skills: ['deploy'], previous })
 */
export async function syncAgentLinks(plan: AgentLinkPlan): Promise<AgentLinkResult> {
  const result: AgentLinkResult = { linked: [], warnings: [] };
  const makeLink = plan.symlink ?? symlink;
  const ours = (agent: string, skill: string) =>
    plan.previous.agents.includes(agent) && plan.previous.skills.includes(skill);
  const root = await realpath(plan.projectDir);
  const shared = await realpath(join(root, AGENTS_SKILLS_DIR)).catch(() => undefined);
  // Each agent folder where it really is (checked again here, at write time): links are made
  // relative to that place, so a folder that is a symlink inside the project gets working links.
  const layout = plan.layout ?? PROJECT_LAYOUT;
  const locate = async (info: AgentInfo): Promise<AgentFolder> => ({
    info,
    rel: agentFolder(info, layout),
    dir: await resolveInsideProject(root, agentFolder(info, layout)),
    root,
  });
  const folders = async (agents: readonly string[]) => {
    const infos = agents
      .map((n) => AGENTS[n])
      .filter((a): a is AgentInfo => a !== undefined && agentFolder(a, layout) !== AGENTS_SKILLS_DIR);
    // A folder the user made a symlink to .agents/skills already shows every skill; writing
    // through it would touch the shared folder itself.
    return (await Promise.all(infos.map(locate))).filter((f) => f.dir !== shared);
  };
  // Every (agent, skill) pair is its own path, so the file system work for them runs at once
  // (bounded); the three steps stay in order: old targets, dangling links, new links.
  const pairs = <T>(agents: readonly AgentFolder[], skills: readonly T[]) =>
    agents.flatMap((folder) => skills.map((skill) => ({ folder, skill })));

  await mapLimit(
    pairs(await folders(plan.previous.agents), plan.previous.skills).filter(
      ({ folder, skill }) => !(plan.agents.includes(folder.info.name) && plan.skills.includes(skill)),
    ),
    LINK_WORK,
    ({ folder, skill }) => removeTarget(folder, skill),
  );
  await Promise.all(
    (await folders([...new Set([...plan.agents, ...plan.previous.agents])])).map((folder) =>
      removeDanglingLinks(folder, plan.skills),
    ),
  );
  const wanted = await folders(plan.agents);
  // Each agent folder is made once, not once per skill.
  if (plan.skills.length > 0) await Promise.all(wanted.map((f) => mkdir(f.dir, { recursive: true })));
  const outcomes = await mapLimit(pairs(wanted, plan.skills), LINK_WORK, async ({ folder, skill }) => {
    const agent = folder.info;
    const path = join(plan.projectDir, folder.rel, skill);
    const real = join(folder.dir, skill);
    const target = agentLinkTarget(folder, skill);
    const current = await inspectTarget(real);
    const linked = (mode: 'symlink' | 'copy') => ({ link: { agent: agent.name, skill, path, mode } });
    if (current.kind === 'symlink' && current.target === target) return linked('symlink');
    if (current.kind !== 'none' && !ours(agent.name, skill)) {
      return { warning: `left ${relative(plan.projectDir, path)} alone: it was not made by skills` };
    }
    if (current.kind !== 'none') await removeEntry(real);
    try {
      await makeLink(target, real, 'dir');
      return linked('symlink');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      await cp(join(root, AGENTS_SKILLS_DIR, skill), real, { recursive: true });
      return linked('copy');
    }
  });
  for (const o of outcomes) {
    if ('link' in o) result.linked.push(o.link);
    else result.warnings.push(o.warning);
  }
  return result;
}

/** An agent's skills folder: its real location, inside the project's real root. */
interface AgentFolder {
  info: AgentInfo;
  /** Its path relative to the root, as the layout spells it. */
  rel: string;
  dir: string;
  root: string;
}

/** Removes a recorded target: our symlink, or the copy made where symlinks failed; never a link elsewhere. */
async function removeTarget(folder: AgentFolder, skill: string): Promise<void> {
  const path = join(folder.dir, skill);
  const current = await inspectTarget(path);
  if (current.kind === 'none') return;
  if (current.kind === 'symlink' && current.target !== agentLinkTarget(folder, skill)) return;
  await removeEntry(path);
}

/**
 * Removes links in our exact shape (`NAME → ../../.agents/skills/NAME`) whose skill is no longer
 * installed: what an install killed before it wrote its lockfile can leave behind.
 */
async function removeDanglingLinks(folder: AgentFolder, keep: readonly string[]): Promise<void> {
  const names = await readdir(folder.dir).catch(() => [] as string[]);
  for (const name of names) {
    if (keep.includes(name)) continue;
    const path = join(folder.dir, name);
    const current = await inspectTarget(path);
    if (current.kind !== 'symlink' || current.target !== agentLinkTarget(folder, name)) continue;
    const alive = await lstat(join(folder.root, AGENTS_SKILLS_DIR, name)).then(
      () => true,
      () => false,
    );
    if (!alive) await removeEntry(path);
  }
}

/**
 * The text of the link install makes for `skill` in an agent folder: relative from the folder's
 * real location (`dir`) to `.agents/skills/<skill>` under the project's real root `root`.
 * @example agentLinkTarget({ root: '/p', dir: '/p/.claude/skills' }, 'x') // '../../.agents/skills/x'
 */
export function agentLinkTarget(where: { root: string; dir: string }, skill: string): string {
  return relative(where.dir, join(where.root, AGENTS_SKILLS_DIR, skill));
}
async function inspectTarget(
  path: string,
): Promise<{ kind: 'none' | 'other' } | { kind: 'symlink'; target: string }> {
  try {
    const s = await lstat(path);
    if (s.isSymbolicLink()) return { kind: 'symlink', target: await readlink(path) };
    return { kind: 'other' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
}
