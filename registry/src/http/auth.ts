import type { TokenScope } from '@skills/schemas';
import type { Context } from 'hono';
import type { Actor, RequestInfo } from '../domain/caller.ts';
import { RegistryError } from '../errors.ts';
import { authenticatePassword } from '../services/authenticate-password.ts';
import { authenticateToken } from '../services/authenticate-token.ts';
import { takeRateLimit } from '../services/take-rate-limit.ts';
import type { AppEnv } from './env.ts';

/**
 * The actor behind the request's `Authorization` header, or undefined without one. Bearer tokens
 * always; HTTP Basic only where `allowBasic` (token management), rate-limited per client.
 * @throws RegistryError UNAUTHORIZED for bad credentials, RATE_LIMITED for too many password tries.
 */
export async function optionalActor(
  c: Context<AppEnv>,
  options: { allowBasic?: boolean } = {},
): Promise<Actor | undefined> {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const deps = c.get('deps');
  const [kind, value = ''] = header.trim().split(/\s+/, 2);
  if (kind?.toLowerCase() === 'bearer') return authenticateToken({ deps, input: { token: value } });
  if (kind?.toLowerCase() === 'basic' && options.allowBasic) {
    await takeRateLimit({ deps, input: { kind: 'login', who: requestInfo(c).ip ?? 'unknown' } });
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new RegistryError('UNAUTHORIZED', 'malformed Basic credentials');
    return authenticatePassword({
      deps,
      input: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
    });
  }
  throw new RegistryError(
    'UNAUTHORIZED',
    options.allowBasic
      ? 'use a bearer token or HTTP Basic'
      : 'use a bearer token (Authorization: Bearer sk_…)',
  );
}

/**
 * Like optionalActor, but a credential is required, and `scope: 'publish'` refuses read tokens.
 * @throws RegistryError UNAUTHORIZED without credentials, FORBIDDEN for a read token on a write.
 */
export async function requireActor(
  c: Context<AppEnv>,
  options: { scope: TokenScope; allowBasic?: boolean },
): Promise<Actor> {
  const actor = await optionalActor(c, options);
  if (!actor) throw new RegistryError('UNAUTHORIZED', 'this needs a token: Authorization: Bearer sk_…');
  if (options.scope === 'publish' && actor.scope !== 'publish') {
    throw new RegistryError('FORBIDDEN', 'this token has the read scope; writes need a publish token');
  }
  return actor;
}

/** The client's address and the request id, for audit entries and rate limits. */
export function requestInfo(c: Context<AppEnv>): RequestInfo {
  const ip = clientAddress(
    c.env?.incoming?.socket?.remoteAddress,
    c.get('deps').trustProxy ? c.req.header('x-forwarded-for') : undefined,
  );
  return { ip, requestId: c.get('requestId') };
}

/**
 * The client's address: the socket's peer, or the first `X-Forwarded-For` entry when one is
 * given (pass it only when the proxy in front is trusted), cut to 64 characters.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined): string | null {
  const forwarded = forwardedFor?.split(',')[0]?.trim();
  return forwarded ? forwarded.slice(0, 64) : (peer ?? null);
}
