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
  return new Response(body, { status, headers });
}
