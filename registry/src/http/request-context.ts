import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './env.ts';
import { createRouteLabeler } from './route-template.ts';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * First middleware: gives the request an id (a sane incoming `X-Request-Id` is kept), makes the
 * deps reachable, sets `X-Request-Id` and `nosniff` on the answer, counts the request in the
 * metrics and logs one JSON line: `{requestId, method, route, path, status, ms}`. `route` is the
 * matched pattern (`/v1/bundles/:name`), `unmatched` for a 404 no route answered.
 *
 * The headers are set BEFORE `next()`: hono applies them to the response the handler (or
 * `onError` / `notFound`) builds. Setting them after `next()` makes hono re-wrap the finished
 * response, which pushes @hono/node-server off its fast path for string and Uint8Array bodies
 * (a WHATWG Response with a ReadableStream body, and an extra writev per answer).
 */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  const routeOf = createRouteLabeler();
  const nextId = requestIds();
  return async (c, next) => {
    const requestId = requestIdOf(c.req.header('x-request-id'), nextId);
    c.set('requestId', requestId);
    c.set('deps', deps);
    c.header('X-Request-Id', requestId);
    c.header('X-Content-Type-Options', 'nosniff');
    const start = performance.now();
    await next();
    const ms = performance.now() - start;
    const res = c.res;
    // A handler that returns a Response of its own (the marketplace pages) bypasses the headers
    // set above: add them to that response's headers in place, which keeps its body as it is.
    // (An answer from `plainAnswer` has them already; reading its headers here would turn its
    // plain header object into a Headers, the cost it avoids.)
    if (c.get('plainHeaders') !== true) {
      const headers = res.headers;
      if (!headers.has('x-request-id')) {
        headers.set('X-Request-Id', requestId);
        headers.set('X-Content-Type-Options', 'nosniff');
      }
    }
    const route = routeOf(c);
    const status = res.status;
    recordRequest(deps, { requestId, method: c.req.method, route, path: c.req.path, status, ms });
  };
}

/** A sane incoming `X-Request-Id` is kept; anything else gets a fresh id from `nextId`. */
export function requestIdOf(incoming: string | undefined, nextId: () => string): string {
  return incoming && INCOMING_ID.test(incoming) ? incoming : nextId();
}

/** Counts an answered request in the metrics and writes its log line. */
export function recordRequest(
  deps: Pick<Deps, 'metrics' | 'log'>,
  r: { requestId: string; method: string; route: string; path: string; status: number; ms: number },
): void {
  deps.metrics.request(r.method, r.route, r.status, r.ms / 1000);
  deps.log({
    level: 'info',
    msg: 'request',
    requestId: r.requestId,
    method: r.method,
    route: r.route,
    path: r.path.slice(0, 512),
    status: r.status,
    ms: Math.round(r.ms * 10) / 10,
  });
}

/**
 * Request ids without a random draw per request: a random per-process prefix and a counter,
 * `3f9a1c0e-1`, `3f9a1c0e-2`, … (unique across processes with overwhelming odds, and short).
 */
export function requestIds(): () => string {
  const boot = randomBytes(6).toString('hex');
  let n = 0;
  return () => `${boot}-${(++n).toString(36)}`;
}
