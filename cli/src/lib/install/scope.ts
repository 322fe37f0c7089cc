import { homedir } from 'node:os';
import { join } from 'node:path';
import { skillsPaths } from '../config.ts';
import type { CommandContext, OptionSpec } from '../context.ts';
import { findProjectRoot } from '../project/project.ts';
import { type AgentLayout, PROJECT_LAYOUT } from './agent-table.ts';

/** `-g, --global`, taken by every command that installs or reads installed skills. */
export const GLOBAL_OPTION: Readonly<Record<'global', OptionSpec>> = Object.freeze({
  global: {
    type: 'boolean',
    short: 'g',
    description:
      "the user's skills (~/.agents/skills, linked into each agent's home folder), not a project's",
  },
});

/** Where an install's files are: a project's, or the user's (`-g`). */
export interface InstallScope {
  global: boolean;
  /** The root of `.agents/skills` and of the agent folders: the project root, or the home folder. */
  projectDir: string;
  /** Where skills.json and skills-lock.json are: the project root, or `$XDG_CONFIG_HOME/skills/global`. */
  metaDir: string;
  layout: AgentLayout;
}

/**
 * The scope a command works on: with `-g`, the home folder (`$HOME`) for the skills tree, the
 * global folder of the config for the manifest and lockfile, and each agent's global folder for
 * links; else the project found from the working folder.
 * @example await installScope(ctx) // { global: true, projectDir: '/home/me', metaDir: '/home/me/.config/skills/global', … }
 */
export async function installScope(
  ctx: Pick<CommandContext, 'flags' | 'cwd' | 'env'>,
): Promise<InstallScope> {
  if (ctx.flags.global !== true) {
    const dir = await findProjectRoot(ctx.cwd);
    return { global: false, projectDir: dir, metaDir: dir, layout: PROJECT_LAYOUT };
  }
  const home = ctx.env.HOME || homedir();
  return {
    global: true,
    projectDir: home,
    metaDir: join(skillsPaths(ctx.env).configDir, 'global'),
    layout: { kind: 'global', dirs: { home, env: ctx.env } },
  };
}
