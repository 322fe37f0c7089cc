import { join, relative, sep } from 'node:path';

/** Where an agent reads the user's own (global) skills from. */
export interface GlobalFolder {
  /** What `path` is relative to: the home folder, or `$XDG_CONFIG_HOME` (default `~/.config`). */
  under: 'home' | 'config';
  path: string;
  /** An environment variable naming the agent's own home; when set, its `skills` folder wins. */
  homeVar?: string;
}

/** Where an agent reads skills from, as its documentation says. */
export interface AgentInfo {
  name: string;
  /** How people call it. */
  title: string;
  /** Its project skills folder, relative to the project root. */
  skillsDir: string;
  /** Its global skills folder. */
  global: GlobalFolder;
  /** True when it also reads `.agents/skills` itself (so a link is a convenience, not a need). */
  readsAgentsSkills: boolean;
}

const home = (path: string, homeVar?: string): GlobalFolder => ({
  under: 'home',
  path,
  ...(homeVar ? { homeVar } : {}),
});
const config = (path: string): GlobalFolder => ({ under: 'config', path });
const row = (
  name: string,
  title: string,
  skillsDir: string,
  global: GlobalFolder,
  readsAgentsSkills = skillsDir === '.agents/skills',
): AgentInfo => ({ name, title, skillsDir, global, readsAgentsSkills });

/**
 * The agents the CLI links skills for, one row each: the project folder and the global folder
 * each documents (the same folders the popular `skills` CLI writes to). An agent whose project
 * folder is `.agents/skills` reads the shared folder itself and needs no link in a project.
 * Codex reads `.agents/skills` and `.codex/skills`; Cursor, Copilot, Gemini CLI, OpenCode and
 * Factory Droid read `.agents/skills` beside their own folder.
 */
const ROWS: readonly AgentInfo[] = [
  row('amp', 'Amp', '.agents/skills', config('agents/skills')),
  row('augment', 'Augment', '.augment/skills', home('.augment/skills')),
  row('claude', 'Claude Code', '.claude/skills', home('.claude/skills', 'CLAUDE_CONFIG_DIR')),
  row('cline', 'Cline', '.agents/skills', home('.agents/skills')),
  row('codebuddy', 'CodeBuddy', '.codebuddy/skills', home('.codebuddy/skills')),
  row('codex', 'Codex', '.codex/skills', home('.codex/skills', 'CODEX_HOME'), true),
  row('continue', 'Continue', '.continue/skills', home('.continue/skills')),
  row('copilot', 'GitHub Copilot', '.github/skills', home('.copilot/skills'), true),
  row('crush', 'Crush', '.crush/skills', config('crush/skills')),
  row('cursor', 'Cursor', '.cursor/skills', home('.cursor/skills'), true),
  row('droid', 'Factory Droid', '.factory/skills', home('.factory/skills'), true),
  row('gemini', 'Gemini CLI', '.gemini/skills', home('.gemini/skills'), true),
  row('goose', 'Goose', '.goose/skills', config('goose/skills')),
  row('junie', 'Junie', '.junie/skills', home('.junie/skills')),
  row('kilo', 'Kilo Code', '.agents/skills', home('.kilo/skills')),
  row('kiro', 'Kiro', '.kiro/skills', home('.kiro/skills')),
  row('openhands', 'OpenHands', '.openhands/skills', home('.openhands/skills')),
  row('opencode', 'OpenCode', '.opencode/skills', config('opencode/skills'), true),
  row('pi', 'Pi', '.pi/skills', home('.pi/agent/skills')),
  row('qoder', 'Qoder', '.qoder/skills', home('.qoder/skills')),
  row('qwen', 'Qwen Code', '.qwen/skills', home('.qwen/skills')),
  row('roo', 'Roo Code', '.roo/skills', home('.roo/skills')),
  row('trae', 'Trae', '.trae/skills', home('.trae/skills')),
  row('vibe', 'Mistral Vibe', '.vibe/skills', home('.vibe/skills', 'VIBE_HOME')),
  row('warp', 'Warp', '.agents/skills', home('.agents/skills')),
  row('windsurf', 'Windsurf', '.windsurf/skills', home('.codeium/windsurf/skills')),
  row('zed', 'Zed', '.agents/skills', home('.agents/skills')),
];

/** The agent table by name. */
export const AGENTS: Readonly<Record<string, AgentInfo>> = Object.freeze(
  Object.fromEntries(ROWS.map((a) => [a.name, Object.freeze(a)])),
);

/** The names other installers (the popular `skills` CLI among them) use for the same agents. */
export const AGENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'claude-code': 'claude',
  'factory-droid': 'droid',
  factory: 'droid',
  'gemini-cli': 'gemini',
  'github-copilot': 'copilot',
  'kilo-code': 'kilo',
  kilocode: 'kilo',
  'kiro-cli': 'kiro',
  'mistral-vibe': 'vibe',
  'openai-codex': 'codex',
  'qwen-code': 'qwen',
  'roo-code': 'roo',
});

/** Where the user's folders are: the home folder and the environment that may move them. */
export interface UserDirs {
  home: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The absolute global skills folder of an agent: `$<homeVar>/skills` when that variable is set,
 * else its path under the home folder or under `$XDG_CONFIG_HOME` (default `~/.config`).
 * @example globalSkillsDir(AGENTS.codex!, { home: '/h', env: {} }) // '/h/.codex/skills'
 */
export function globalSkillsDir(info: AgentInfo, dirs: UserDirs): string {
  const own = info.global.homeVar ? dirs.env[info.global.homeVar]?.trim() : undefined;
  if (own) return join(own, 'skills');
  if (info.global.under === 'home') return join(dirs.home, info.global.path);
  const configHome = dirs.env.XDG_CONFIG_HOME?.trim() || join(dirs.home, '.config');
  return join(configHome, info.global.path);
}

/**
 * Which folder of each agent an install links into: its project folder (relative to the project
 * root), or its global folder (relative to the home folder, which is then the root).
 */
export type AgentLayout = { kind: 'project' } | { kind: 'global'; dirs: UserDirs };

export const PROJECT_LAYOUT: AgentLayout = Object.freeze({ kind: 'project' });

/**
 * An agent's skills folder relative to the install root. A global folder outside the home folder
 * (an agent home variable pointing elsewhere) comes out starting with `..`, which the path checks
 * refuse (UNSAFE_PATH) before anything is written.
 * @example agentFolder(AGENTS.claude!, { kind: 'global', dirs: { home: '/h', env: {} } }) // '.claude/skills'
 */
export function agentFolder(info: AgentInfo, layout: AgentLayout): string {
  if (layout.kind === 'project') return info.skillsDir;
  return relative(layout.dirs.home, globalSkillsDir(info, layout.dirs)).split(sep).join('/');
}
