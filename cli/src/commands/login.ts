import { hostname } from 'node:os';
import { normalizeRegistryUrl, updateConfig } from '../lib/config.ts';
import type { Command, CommandContext } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { readAllStdin } from '../lib/output/prompt.ts';
import { createRegistryClient } from '../lib/registry/client.ts';
import { openRegistry } from '../lib/registry/context.ts';

/**
 * `skills login`: store a token for the registry (config file, mode 0600). With a password, a new
 * publish token is made through `POST /v1/tokens` (Basic auth); the password is never stored.
 */
export const command: Command = {
  usage: 'login [--registry URL] [--username U --password-stdin | --token-stdin]',
  summary: 'store a token for a registry',
  options: {
    username: { type: 'string', short: 'u', description: 'user name (with --password-stdin)' },
    'password-stdin': { type: 'boolean', description: 'read the password from stdin' },
    'token-stdin': { type: 'boolean', description: 'read an existing token from stdin' },
  },
  async run(ctx) {
    const { url, paths } = await openRegistry(ctx);
    const viaToken = ctx.flags['token-stdin'] === true;
    const viaPassword = ctx.flags['password-stdin'] === true;
    if (viaToken && (viaPassword || ctx.flags.username !== undefined)) {
      throw usageError('--token-stdin cannot be combined with --username or --password-stdin');
    }
    let stored: { token: string; username: string; tokenId?: string };
    if (viaToken) {
      const token = (await readAllStdin(needStdin(ctx))).trim();
      if (!token) throw usageError('no token on stdin');
      const client = createRegistryClient({ url, token });
      stored = { token, username: (await client.whoami()).username };
    } else {
      const { username, password } = await credentials(ctx, viaPassword);
      const client = createRegistryClient({ url });
      const created = await client.createToken({
        scope: 'publish',
        name: `skills login on ${hostname()}`.slice(0, 128),
        basicAuth: { username, password },
      });
      stored = { token: created.token, username, tokenId: created.id };
    }
    const key = normalizeRegistryUrl(url);
    await updateConfig(paths, (c) => ({ ...c, registries: { ...c.registries, [key]: stored } }));
    const envNote = ctx.env.SKILLS_TOKEN ? ' (note: SKILLS_TOKEN is set and takes precedence)' : '';
    return {
      text: `logged in to ${url} as ${stored.username}${envNote}`,
      json: { registry: url, username: stored.username },
    };
  },
};

async function credentials(
  ctx: CommandContext,
  fromStdin: boolean,
): Promise<{ username: string; password: string }> {
  let username = typeof ctx.flags.username === 'string' ? ctx.flags.username : undefined;
  if (fromStdin) {
    if (!username) throw usageError('--password-stdin needs --username U');
    const password = await readAllStdin(needStdin(ctx));
    if (!password) throw usageError('no password on stdin');
    return { username, password };
  }
  if (!ctx.interactive || !ctx.prompt) {
    throw usageError(
      'login needs a terminal to ask for the password',
      'use `skills login --username U --password-stdin` or `--token-stdin` in scripts',
    );
  }
  username ??= (await ctx.prompt('Username: ')).trim();
  const password = await ctx.prompt('Password: ', { hidden: true });
  if (!username || !password)
    throw new SkillsError('USAGE', 'a user name and a password are needed', { exitCode: 2 });
  return { username, password };
}

function needStdin(ctx: CommandContext) {
  if (!ctx.stdin) throw new Error('main() did not provide stdin');
  return ctx.stdin;
}
