import { TOKEN_SCOPES, type TokenScope } from '@skills/schemas';
import type { Command, CommandContext, CommandResult } from '../lib/context.ts';
import { usageError } from '../lib/errors.ts';
import { table } from '../lib/output/format.ts';
import { openRegistry } from '../lib/registry/context.ts';

/**
 * `skills token create|list|revoke`. `create` is the one place a token is printed: alone on
 * stdout (so `TOKEN=$(skills token create)` works), its details on stderr.
 */
export const command: Command = {
  usage: 'token create [--scope read|publish] [--expires 30d] [--name N] | token list | token revoke ID',
  summary: 'create, list and revoke tokens',
  options: {
    scope: { type: 'string', description: 'read or publish (default publish)' },
    expires: { type: 'string', description: 'lifetime in days: 30d, 365d (default: the registry’s)' },
    name: { type: 'string', description: 'a label to recognise the token by' },
  },
  async run(ctx) {
    const [sub, ...rest] = ctx.args;
    if (sub === 'create' && rest.length === 0) return create(ctx);
    if ((sub === 'list' || sub === 'ls') && rest.length === 0) return list(ctx);
    if ((sub === 'revoke' || sub === 'rm') && rest.length === 1) return revoke(ctx, rest[0]!);
    throw usageError(`usage: skills ${command.usage}`);
  },
};

async function create(ctx: CommandContext): Promise<CommandResult> {
  const scope = ctx.flags.scope ?? 'publish';
  if (typeof scope !== 'string' || !(TOKEN_SCOPES as readonly string[]).includes(scope)) {
    throw usageError(`--scope must be ${TOKEN_SCOPES.join(' or ')}`);
  }
  const expiresInDays = parseExpires(ctx.flags.expires);
  const name = typeof ctx.flags.name === 'string' ? ctx.flags.name : undefined;
  const { client } = await openRegistry(ctx, { requireToken: true });
  const created = await client.createToken({
    scope: scope as TokenScope,
    expiresInDays,
    ...(name ? { name } : {}),
  });
  if (!ctx.global.json) {
    ctx.stderr.write(
      `created ${created.scope} token ${created.id}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}; it is shown only now\n`,
    );
  }
  return { text: created.token, json: created };
}

async function list(ctx: CommandContext): Promise<CommandResult> {
  const { client } = await openRegistry(ctx, { requireToken: true });
  const tokens = await client.listTokens();
  if (tokens.length === 0) return { text: 'no tokens', json: { tokens } };
  const rows = tokens.map((t) => [
    t.id,
    t.scope,
    `${t.prefix}…`,
    t.name ?? '',
    t.createdAt,
    t.expiresAt ?? 'never',
    t.lastUsedAt ?? 'never',
  ]);
  return {
    text: table([['ID', 'SCOPE', 'PREFIX', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED'], ...rows]),
    json: { tokens },
  };
}

async function revoke(ctx: CommandContext, id: string): Promise<CommandResult> {
  const { client } = await openRegistry(ctx, { requireToken: true });
  await client.revokeToken(id);
  return { text: `revoked token ${id}`, json: { id, revoked: true } };
}

/**
 * `--expires`: `30d` or `30` days, 1 to 3650; undefined when not given.
 * @example parseExpires('30d') // 30
 */
export function parseExpires(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const m = typeof value === 'string' ? /^(\d{1,4})d?$/.exec(value.trim()) : null;
  const days = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw usageError('--expires must be a number of days from 1 to 3650, like 30d');
  }
  return days;
}
