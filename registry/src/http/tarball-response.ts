import type { Context } from 'hono';
import type { TarballResult } from '../services/get-tarball.ts';
import type { AppEnv } from './env.ts';

/**
 * The answer for a tarball (a bundle's, or an npm package): immutable for a year, the integrity
 * as ETag, a 304 when it matches.
 */
export function tarballResponse(c: Context<AppEnv>, result: TarballResult, contentType: string): Response {
  c.header('ETag', result.etag);
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
  if (result.notModified) return c.body(null, 304);
  c.header('Content-Type', contentType);
  c.header('Content-Length', String(result.bytes.length));
  // A Buffer is a Uint8Array over a plain ArrayBuffer here (never a SharedArrayBuffer).
  return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200);
}
