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
 * A read token cannot mint a publish token.
 * @throws RegistryError FORBIDDEN when asking for more scope than the credential has.
 */
export async function createToken({ deps, input }: { deps: Deps; input: CreateTokenInput }) {
  if (input.scope === 'publish' && input.actor.scope !== 'publish') {
    throw new RegistryError('FORBIDDEN', 'a read token cannot create a publish token');
  }
  const { token, id, hash, prefix } = generateToken();
  const now = deps.clock();
  const expiresAt =
    input.expiresInDays === undefined
      ? null
      : new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString();
  const at = now.toISOString();
  await deps.store.createToken(
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
    },
    auditContext(input.actor.username, input.request, at),
  );
  return { id, token, scope: input.scope, expiresAt };
}
