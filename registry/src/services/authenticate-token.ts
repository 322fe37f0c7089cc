import { hashToken, TOKEN_PATTERN } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';

const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a bearer token to its actor.
 * @throws RegistryError UNAUTHORIZED for an unknown, malformed, revoked or expired token.
 */
export async function authenticateToken({
  deps,
  input,
}: {
  deps: Deps;
  input: { token: string };
}): Promise<Actor> {
  const { token } = input;
  if (!TOKEN_PATTERN.test(token))
    throw new RegistryError('UNAUTHORIZED', 'the token is not a registry token');
  const found = await deps.store.findToken(hashToken(token));
  if (!found) throw new RegistryError('UNAUTHORIZED', 'the token is unknown');
  if (found.revokedAt) throw new RegistryError('UNAUTHORIZED', 'the token was revoked');
  const now = deps.now();
  if (found.expiresAt && found.expiresAt <= now)
    throw new RegistryError('UNAUTHORIZED', 'the token has expired');
  // Writing on every request would make reads contend for the write lock: once a minute is enough.
  if (!found.lastUsedAt || Date.parse(now) - Date.parse(found.lastUsedAt) > TOUCH_EVERY_MS) {
    await deps.store.touchToken(found.id, now);
  }
  return {
    username: found.username,
    admin: found.admin,
    scope: found.scope,
    tokenId: found.id,
    tokenExpiresAt: found.expiresAt,
  };
}
