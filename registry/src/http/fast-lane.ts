import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Deps } from '../deps.ts';
import { getCachedTarball } from '../services/get-tarball.ts';
import { matchesEtag } from './etag.ts';
import { documentHeaders, tarballHeaders } from './hot-headers.ts';
import { recordRequest, requestIdOf, requestIds } from './request-context.ts';

/**
 * `GET /v1/bundles/NAME` and `GET /v1/bundles/NAME/-/FILE`, as plain as the URL can be (no query,
 * no percent-encoding): the two requests an install makes most.
 */
const HOT_PATH = /^\/v1\/bundles\/((?:@[^/?%#]+\/)?[^/?%#@][^/?%#]*)(?:\/-\/([^/?%#]+))?$/;

const DOCUMENT_ROUTE = '/v1/bundles/:name';
const TARBALL_ROUTE = '/v1/bundles/:name/-/:file';

/**
 * The server's fast lane: answers the hot GETs that this process can answer from memory alone
 * (a bundle document in the document cache, a tarball in the tarball cache) straight onto
 * Node's response, without the app's Request, routing, Context and Response objects, which cost
 * more than the answer itself. The answer is the app's (same status, headers, body, download
 * count, metrics and log line; a 304 without a body or `Content-Length`). Anything else (a miss,
 * another method or path, a query string, an encoded name) returns false having touched nothing,
 * and the app answers it.
 * @example const lane = createFastLane(deps); http.createServer((req, res) => lane(req, res) || app(req, res))
 */
export function createFastLane(
  deps: Pick<Deps, 'documents' | 'tarballCache' | 'blobs' | 'downloads' | 'metrics' | 'log' | 'publicUrl'>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const nextId = requestIds();
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const match = HOT_PATH.exec(url);
    if (!match) return false;
    const start = performance.now();
    const name = match[1] as string;
    const file = match[2];
    const ifNoneMatch = req.headers['if-none-match'];
    let status: number;
    let headers: Record<string, string>;
    let body: string | Buffer | undefined;
    if (file === undefined) {
      const doc = deps.documents.get(name);
      if (doc === undefined || doc.origin !== deps.publicUrl()) return false;
      const fresh = matchesEtag(ifNoneMatch, doc.etag);
      status = fresh ? 304 : 200;
      headers = documentHeaders(doc.etag, !fresh);
      if (!fresh) {
        body = doc.body;
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
    } else {
      const tarball = getCachedTarball(deps, { name, file, ifNoneMatch });
      if (tarball === undefined) return false;
      if (tarball.notModified) {
        status = 304;
        headers = tarballHeaders(tarball.etag);
      } else if ('bytes' in tarball) {
        status = 200;
        body = tarball.bytes;
        headers = tarballHeaders(tarball.etag, { contentType: 'application/gzip', length: body.length });
      } else return false; // never: a cached tarball is bytes
    }
    const requestId = requestIdOf(req.headers['x-request-id'] as string | undefined, nextId);
    headers['X-Request-Id'] = requestId;
    headers['X-Content-Type-Options'] = 'nosniff';
    res.writeHead(status, headers);
    res.end(body);
    recordRequest(deps, {
      requestId,
      method: 'GET',
      route: file === undefined ? DOCUMENT_ROUTE : TARBALL_ROUTE,
      path: url,
      status,
      ms: performance.now() - start,
    });
    return true;
  };
}

/**
 * The server's request listener: the fast lane first, the app (`fetch`, hono's) for the rest.
 * @example http.createServer(withFastLane(deps, app.fetch))
 */
export function withFastLane(
  deps: Parameters<typeof createFastLane>[0],
  fetch: Parameters<typeof getRequestListener>[0],
): RequestListener {
  const lane = createFastLane(deps);
  const app = getRequestListener(fetch);
  return (req, res) => {
    if (!lane(req, res)) void app(req, res);
  };
}
