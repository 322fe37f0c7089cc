import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * An answer for the hot GETs (bundle documents, tarballs) whose headers are a plain object,
 * `X-Request-Id` and `nosniff` included: @hono/node-server then writes them as they are, where
 * headers set with `c.header()` go through a WHATWG `Headers` (validated on each set, sorted and
 * copied into an object on the way out). Marks the context so `requestContext` leaves the
 * answer's headers alone.
 */
export function plainAnswer(
  c: Context<AppEnv>,
  status: number,
  body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null,
  headers: Record<string, string>,
): Response {
  c.set('plainHeaders', true);
  headers['X-Request-Id'] = c.get('requestId');
  headers['X-Content-Type-Options'] = 'nosniff';
  // @hono/node-server writes an answer from its parts only when the body is a string or bytes; a
  // null body takes its slow path (a WHATWG Response built and read). So under it a bodiless
  // answer gets '' (sent as `Content-Length: 0`; Node sends no body with a 304). Not the 200's
  // length, which RFC 9110 would prefer: wrk's parser then waits for that many bytes. Caches
  // ignore a 304's Content-Length (RFC 9111 3.2). Elsewhere (app.request) a 304 needs a null body.
  const sent = body === null && c.env?.outgoing !== undefined ? '' : body;
  return new Response(sent, { status, headers });
}
