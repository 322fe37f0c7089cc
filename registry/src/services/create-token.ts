import type { TokenScope } from '@skills/schemas';
import { generateToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { type Actor, auditContext, type RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreateTokenInput {
  actor: Actor;
  scope: TokenScope;
  expiresInDays?: number;
  name?: string;
  request: RequestInfo;
}

/**
 * Creates a token for the actor; only its sha256 is stored, so this is the one time it is seen.
 * A token minted with a token never outranks or outlives it: a read token mints only read
 * tokens, the new token expires no later than the one that made it, and revoking that one
 * revokes this one too. A password (or the admin command) mints tokens of any lifetime.
 * @throws RegistryError FORBIDDEN when asking for more scope than the credential has,
 * UNAUTHORIZED when the minting token was revoked meanwhile.
 */
export async function createToken({ deps, input }: { deps: Deps; input: CreateTokenInput }) {
  if (input.scope === 'publish' && input.actor.scope !== 'publish') {
    throw new RegistryError('FORBIDDEN', 'a read token cannot create a publish token');
  }
  const { token, id, hash, prefix } = generateToken();
  const now = deps.clock();
  const asked =
    input.expiresInDays === undefined
      ? null
      : new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString();
  const expiresAt = earlier(asked, input.actor.tokenExpiresAt);
  const at = now.toISOString();
  const created = await deps.store.createToken(
    {
      id,
      username: input.actor.username,
      hash,
      prefix,
      scope: input.scope,
      name: input.name ?? null,
      expiresAt,
      createdAt: at,
      lastUsedAt: null,
      revokedAt: null,
      parentId: input.actor.tokenId,
    },
    auditContext(input.actor.username, input.request, at),
  );
  if (!created) throw new RegistryError('UNAUTHORIZED', 'the token used to create this one was revoked');
  return { id, token, scope: input.scope, expiresAt };
}

/** The earlier of two expiry times, where null means never. */
function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}
