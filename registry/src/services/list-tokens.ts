import type { TokenInfo } from '@skills/schemas';
import type { Deps } from '../deps.ts';

/** The caller's live tokens, without the tokens themselves. */
export async function listTokens({
  deps,
  input,
}: {
  deps: Deps;
  input: { username: string };
}): Promise<TokenInfo[]> {
  const tokens = await deps.store.listTokens(input.username);
  return tokens.map((t) => ({
    id: t.id,
    scope: t.scope,
    ...(t.name ? { name: t.name } : {}),
    prefix: t.prefix,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
  }));
}
