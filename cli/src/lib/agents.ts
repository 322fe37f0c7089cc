import { cp, lstat, mkdir, readdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { usageError } from './errors.ts';
import { mapLimit } from './parallel.ts';

/** File system operations on agent links in flight at once. */
const LINK_WORK = 16;

/** Where an agent reads a project's skills from. */
export interface AgentInfo {
  name: string;
  /** Its project skills folder, relative to the project root. */
  skillsDir: string;
  /** True when it also reads `.agents/skills` itself (so a link is a convenience, not a need). */
  readsAgentsSkills: boolean;
}

/** The cross-agent folder every installed skill is written to, once. */
export const AGENTS_SKILLS_DIR = '.agents/skills';

/**
 * The agents the CLI knows, from each one's documentation: Claude Code reads `.claude/skills`;
 * Codex reads `.agents/skills` itself, and CONTRACT.md §1 also promises `.codex/skills`; Cursor `.cursor/skills`; GitHub
 * Copilot `.github/skills`; Gemini CLI `.gemini/skills`; OpenCode `.opencode/skills`; Windsurf
 * `.windsurf/skills`. Cursor, Copilot, Gemini CLI and OpenCode read `.agents/skills` as well.
 */
export const AGENTS: Readonly<Record<string, AgentInfo>> = Object.freeze({
  claude: { name: 'claude', skillsDir: '.claude/skills', readsAgentsSkills: false },
  codex: { name: 'codex', skillsDir: '.codex/skills', readsAgentsSkills: true },
  copilot: { name: 'copilot', skillsDir: '.github/skills', readsAgentsSkills: true },
  cursor: { name: 'cursor', skillsDir: '.cursor/skills', readsAgentsSkills: true },
  gemini: { name: 'gemini', skillsDir: '.gemini/skills', readsAgentsSkills: true },
  opencode: { name: 'opencode', skillsDir: '.opencode/skills', readsAgentsSkills: true },
  windsurf: { name: 'windsurf', skillsDir: '.windsurf/skills', readsAgentsSkills: false },
});

/** The names other installers use for the same agents. */
const AGENT_ALIASES: Readonly<Record<string, string>> = {
  'claude-code': 'claude',
  'github-copilot': 'copilot',
  'gemini-cli': 'gemini',
  'openai-codex': 'codex',
};

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
        `known agents: ${Object.keys(AGENTS).join(', ')}`,
      );
    }
  }
  return [...new Set(names)].sort();
}

/** Skills that were, and are to be, visible to which agents. */
export interface AgentLinkPlan {
  projectDir: string;
  agents: readonly string[];
  skills: readonly string[];
  /** What the previous lockfile recorded: only those targets may be replaced or removed. */
  previous: { agents: readonly string[]; skills: readonly string[] };
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
 * the previous lockfile does not record is left alone with a warning.
 * @example await syncAgentLinks({ projectDir, agents: ['claude'], skills: ['deploy'], previous })
 */
export async function syncAgentLinks(plan: AgentLinkPlan): Promise<AgentLinkResult> {
  const result: AgentLinkResult = { linked: [], warnings: [] };
  const makeLink = plan.symlink ?? symlink;
  const ours = (agent: string, skill: string) =>
    plan.previous.agents.includes(agent) && plan.previous.skills.includes(skill);
  const shared = await realpath(join(plan.projectDir, AGENTS_SKILLS_DIR)).catch(() => undefined);
  const separate = async (a: AgentInfo) => {
    if (a.skillsDir === AGENTS_SKILLS_DIR) return false;
    // A folder the user made a symlink to .agents/skills already shows every skill; writing
    // through it would touch the shared folder itself.
    const real = await realpath(join(plan.projectDir, a.skillsDir)).catch(() => undefined);
    return real === undefined || real !== shared;
  };
  const folders = async (agents: readonly string[]) => {
    const infos = agents.map((n) => AGENTS[n]).filter((a): a is AgentInfo => a !== undefined);
    const keep = await Promise.all(infos.map(separate));
    return infos.filter((_, i) => keep[i]);
  };
  // Every (agent, skill) pair is its own path, so the file system work for them runs at once
  // (bounded); the three steps stay in order: old targets, dangling links, new links.
  const pairs = <T>(agents: readonly AgentInfo[], skills: readonly T[]) =>
    agents.flatMap((agent) => skills.map((skill) => ({ agent, skill })));

  await mapLimit(
    pairs(await folders(plan.previous.agents), plan.previous.skills).filter(
      ({ agent, skill }) => !(plan.agents.includes(agent.name) && plan.skills.includes(skill)),
    ),
    LINK_WORK,
    ({ agent, skill }) => removeTarget(plan.projectDir, agent, skill),
  );
  await Promise.all(
    (await folders([...new Set([...plan.agents, ...plan.previous.agents])])).map((agent) =>
      removeDanglingLinks(plan.projectDir, agent, plan.skills),
    ),
  );
  const wanted = await folders(plan.agents);
  // Each agent folder is made once, not once per skill.
  if (plan.skills.length > 0)
    await Promise.all(wanted.map((a) => mkdir(join(plan.projectDir, a.skillsDir), { recursive: true })));
  const outcomes = await mapLimit(pairs(wanted, plan.skills), LINK_WORK, async ({ agent, skill }) => {
    const path = join(plan.projectDir, agent.skillsDir, skill);
    const target = linkTarget(plan.projectDir, path, skill);
    const current = await inspectTarget(path);
    const linked = (mode: 'symlink' | 'copy') => ({ link: { agent: agent.name, skill, path, mode } });
    if (current.kind === 'symlink' && current.target === target) return linked('symlink');
    if (current.kind !== 'none' && !ours(agent.name, skill)) {
      return { warning: `left ${relative(plan.projectDir, path)} alone: it was not made by skills` };
    }
    if (current.kind !== 'none') await rm(path, { recursive: true, force: true });
    try {
      await makeLink(target, path, 'dir');
      return linked('symlink');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      await cp(join(plan.projectDir, AGENTS_SKILLS_DIR, skill), path, { recursive: true });
      return linked('copy');
    }
  });
  for (const o of outcomes) {
    if ('link' in o) result.linked.push(o.link);
    else result.warnings.push(o.warning);
  }
  return result;
}

/** Removes a recorded target: our symlink, or the copy made where symlinks failed; never a link elsewhere. */
async function removeTarget(projectDir: string, agent: AgentInfo, skill: string): Promise<void> {
  const path = join(projectDir, agent.skillsDir, skill);
  const current = await inspectTarget(path);
  if (current.kind === 'none') return;
  if (current.kind === 'symlink' && current.target !== linkTarget(projectDir, path, skill)) return;
  await rm(path, { recursive: true, force: true });
}

/**
 * Removes links in our exact shape (`NAME → ../../.agents/skills/NAME`) whose skill is no longer
 * installed: what an install killed before it wrote its lockfile can leave behind.
 */
async function removeDanglingLinks(
  projectDir: string,
  agent: AgentInfo,
  keep: readonly string[],
): Promise<void> {
  const dir = join(projectDir, agent.skillsDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (keep.includes(name)) continue;
    const path = join(dir, name);
    const current = await inspectTarget(path);
    if (current.kind !== 'symlink' || current.target !== linkTarget(projectDir, path, name)) continue;
    const alive = await lstat(join(projectDir, AGENTS_SKILLS_DIR, name)).then(
      () => true,
      () => false,
    );
    if (!alive) await rm(path, { force: true });
  }
}

function linkTarget(projectDir: string, path: string, skill: string): string {
  return relative(dirname(path), join(projectDir, AGENTS_SKILLS_DIR, skill));
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
