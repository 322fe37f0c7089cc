/** Tarballs never change: caches may keep them for a year without asking. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The headers of a bundle document answer: its ETag and `no-cache` (every use revalidates), and
 * for a 200 its type. One place for the app's route and the server's fast lane.
 */
export function documentHeaders(etag: string, withBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { ETag: etag, 'Cache-Control': 'no-cache' };
  if (withBody) headers['Content-Type'] = 'application/json; charset=utf-8';
  return headers;
}

/**
 * The headers of a tarball answer: the integrity as ETag, immutable, and for a 200 its type and
 * length. One place for the app's routes and the server's fast lane.
 */
export function tarballHeaders(
  etag: string,
  body?: { contentType: string; length: number },
): Record<string, string> {
  const headers: Record<string, string> = { ETag: etag, 'Cache-Control': IMMUTABLE };
  if (body) {
    headers['Content-Type'] = body.contentType;
    headers['Content-Length'] = String(body.length);
  }
  return headers;
}
