import type { Context } from 'hono';
import type { TarballResult } from '../services/get-tarball.ts';
import type { AppEnv } from './env.ts';

/**
 * The answer for a tarball (a bundle's, or an npm package): immutable for a year, the integrity
 * as ETag, a 304 when it matches. Bytes from memory or streamed from the blob store with their
 * length; or a 302 to a presigned URL, which expires, so the redirect itself is `no-store`.
 */
export function tarballResponse(c: Context<AppEnv>, result: TarballResult, contentType: string): Response {
  c.header('ETag', result.etag);
  if (!result.notModified && 'redirect' in result) {
    c.header('Cache-Control', 'no-store');
    return c.redirect(result.redirect, 302);
  }
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  if (result.notModified) return c.body(null, 304);
  c.header('Content-Type', contentType);
  if ('stream' in result) {
    c.header('Content-Length', String(result.size));
    return c.body(result.stream, 200);
  }
  c.header('Content-Length', String(result.bytes.length));
  // A Buffer is a Uint8Array over a plain ArrayBuffer here (never a SharedArrayBuffer).
  return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200);
}
