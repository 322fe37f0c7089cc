import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * First middleware: gives the request an id (a sane incoming `X-Request-Id` is kept), makes the
 * deps reachable, sets `X-Request-Id` and `nosniff` on the answer, and logs one JSON line.
 */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('deps', deps);
    const start = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    c.header('X-Content-Type-Options', 'nosniff');
    deps.log({
      level: 'info',
      msg: 'request',
      requestId,
      method: c.req.method,
      path: c.req.path.slice(0, 512),
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  };
}
