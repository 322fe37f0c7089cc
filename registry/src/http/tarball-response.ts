import type { Context } from 'hono';
import type { TarballResult } from '../services/get-tarball.ts';
import type { AppEnv } from './env.ts';
import { plainAnswer } from './plain-answer.ts';

/** Tarballs never change: caches may keep them for a year without asking. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The answer for a tarball (a bundle's, or an npm package): immutable for a year, the integrity
 * as ETag, a 304 when it matches. Bytes from memory or streamed from the blob store with their
 * length; or a 302 to a presigned URL, which expires, so the redirect itself is `no-store`.
 */
export function tarballResponse(c: Context<AppEnv>, result: TarballResult, contentType: string): Response {
  if (!result.notModified && 'redirect' in result) {
    return plainAnswer(c, 302, null, {
      ETag: result.etag,
      'Cache-Control': 'no-store',
      Location: result.redirect,
    });
  }
  const headers: Record<string, string> = { ETag: result.etag, 'Cache-Control': IMMUTABLE };
  if (result.notModified) return plainAnswer(c, 304, null, headers);
  headers['Content-Type'] = contentType;
  if ('stream' in result) {
    headers['Content-Length'] = String(result.size);
    return plainAnswer(c, 200, result.stream, headers);
  }
  headers['Content-Length'] = String(result.bytes.length);
  // A Buffer is a Uint8Array over a plain ArrayBuffer here (never a SharedArrayBuffer).
  return plainAnswer(c, 200, result.bytes as Uint8Array<ArrayBuffer>, headers);
}
