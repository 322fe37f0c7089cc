import type { MiddlewareHandler } from 'hono';
import type { RateLimitRules } from '../deps.ts';
import { takeRateLimit } from '../services/take-rate-limit.ts';
import { requestInfo } from './auth.ts';
import type { AppEnv } from './env.ts';

/**
 * Middleware taking one token from the client address's `kind` bucket before the route runs;
 * over the limit the request is 429 RATE_LIMITED with `Retry-After` and the route never runs.
 */
export function limitPerAddress(kind: keyof RateLimitRules): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await takeRateLimit({ deps: c.get('deps'), input: { kind, who: requestInfo(c).ip ?? 'unknown' } });
    await next();
  };
}
