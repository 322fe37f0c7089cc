import type { Context } from 'hono';
import type { TarballResult } from '../services/get-tarball.ts';
import type { AppEnv } from './env.ts';
import { tarballHeaders } from './hot-headers.ts';
import { plainAnswer } from './plain-answer.ts';

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
  if (result.notModified) return plainAnswer(c, 304, null, tarballHeaders(result.etag));
  if ('stream' in result) {
    return plainAnswer(
      c,
      200,
      result.stream,
      tarballHeaders(result.etag, { contentType, length: result.size }),
    );
  }
  const headers = tarballHeaders(result.etag, { contentType, length: result.bytes.length });
  // A Buffer is a Uint8Array over a plain ArrayBuffer here (never a SharedArrayBuffer).
  return plainAnswer(c, 200, result.bytes as Uint8Array<ArrayBuffer>, headers);
}
