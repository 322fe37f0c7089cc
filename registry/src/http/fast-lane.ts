import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { getQueryParam } from 'hono/utils/url';
import type { Deps } from '../deps.ts';
import { createLru, type Lru } from '../lru.ts';
import { getCachedTarball } from '../services/get-tarball.ts';
import { peekSearchBundlesJson, type StoreQueries, storeQueries } from '../services/search-bundles.ts';
import { takeHeldToken } from '../services/take-rate-limit.ts';
import { clientAddress } from './auth.ts';
import { matchesEtag } from './etag.ts';
import { documentHeaders, tarballHeaders } from './hot-headers.ts';
import { recordRequest, requestIdOf, requestIds } from './request-context.ts';
import { searchInputOf } from './search-input.ts';

/**
 * `GET /v1/bundles/NAME` and `GET /v1/bundles/NAME/-/FILE`, as plain as the URL can be (no query,
 * no percent-encoding): the two requests an install makes most.
 */
const HOT_PATH = /^\/v1\/bundles\/((?:@[^/?%#]+\/)?[^/?%#@][^/?%#]*)(?:\/-\/([^/?%#]+))?$/;

/**
 * `GET /v1/search` with a query of characters the WHATWG URL parser keeps as they are (no space,
 * quote, `#` or non-ASCII), so the app, which reads the parsed URL, would read the same text.
 */
const SEARCH_URL = /^\/v1\/search(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;

const DOCUMENT_ROUTE = '/v1/bundles/:name';
const TARBALL_ROUTE = '/v1/bundles/:name/-/:file';
const SEARCH_ROUTE = '/v1/search';

/**
 * Search URLs whose store queries the lane keeps (least recently used dropped first): popular
 * searches come back with the same URL, and parsing one (hono's query parser, the input checks,
 * the match expressions) cost more allocation than the rest of the answer.
 */
const PARSED_SEARCHES = 256;
/** Longer search URLs are parsed each time, not kept: the memo stays under ~128 KiB of URLs. */
const PARSED_URL_MAX = 512;

export type FastLaneDeps = Pick<
  Deps,
  | 'documents'
  | 'tarballCache'
  | 'blobs'
  | 'downloads'
  | 'metrics'
  | 'log'
  | 'publicUrl'
  | 'store'
  | 'rateLimits'
  | 'rateLeases'
  | 'clock'
  | 'trustProxy'
>;

/** An answer the lane can give, before its request id and `nosniff` are added. */
interface HotAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  route: string;
  path: string;
}

/**
 * The server's fast lane: answers the hot GETs that this process can answer from memory alone
 * (a bundle document in the document cache, a tarball in the tarball cache, a search whose pages
 * the search cache holds fresh, with a rate-limit token this process holds) straight onto Node's
 * response, without the app's Request, routing, Context and Response objects, which cost more
 * than the answer itself. The answer is the app's (same status, headers, body, download count,
 * rate-limit token, metrics and log line; a 304 without a body or `Content-Length`). Anything
 * else (a miss, another method or path, an encoded name, a search the app would refuse or must
 * ask the store for) returns false having touched nothing, and the app answers it.
 * @example const lane = createFastLane(deps); http.createServer((req, res) => lane(req, res) || app(req, res))
 */
export function createFastLane(deps: FastLaneDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const nextId = requestIds();
  const searches = createLru<StoreQueries>(PARSED_SEARCHES);
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const start = performance.now();
    const answer = url.startsWith(SEARCH_ROUTE)
      ? searchAnswer(deps, req, url, searches)
      : bundleAnswer(deps, req, url);
    if (answer === undefined) return false;
    const { status, headers, body } = answer;
    const requestId = requestIdOf(req.headers['x-request-id'] as string | undefined, nextId);
    headers['X-Request-Id'] = requestId;
    headers['X-Content-Type-Options'] = 'nosniff';
    res.writeHead(status, headers);
    res.end(body);
    recordRequest(deps, {
      requestId,
      method: 'GET',
      route: answer.route,
      path: answer.path,
      status,
      ms: performance.now() - start,
    });
    return true;
  };
}

/** A cached bundle document or tarball (or its 304), or undefined. */
function bundleAnswer(deps: FastLaneDeps, req: IncomingMessage, url: string): HotAnswer | undefined {
  const match = HOT_PATH.exec(url);
  if (!match) return undefined;
  const name = match[1] as string;
  const file = match[2];
  const ifNoneMatch = req.headers['if-none-match'];
  if (file === undefined) {
    const doc = deps.documents.get(name);
    if (doc === undefined || doc.origin !== deps.publicUrl()) return undefined;
    const fresh = matchesEtag(ifNoneMatch, doc.etag);
    const headers = documentHeaders(doc.etag, !fresh);
    if (fresh) return { status: 304, headers, route: DOCUMENT_ROUTE, path: url };
    headers['Content-Length'] = String(Buffer.byteLength(doc.body));
    return { status: 200, headers, body: doc.body, route: DOCUMENT_ROUTE, path: url };
  }
  const tarball = getCachedTarball(deps, { name, file, ifNoneMatch });
  if (tarball === undefined) return undefined;
  if (tarball.notModified)
    return { status: 304, headers: tarballHeaders(tarball.etag), route: TARBALL_ROUTE, path: url };
  if (!('bytes' in tarball)) return undefined; // never: a cached tarball is bytes
  const headers = tarballHeaders(tarball.etag, {
    contentType: 'application/gzip',
    length: tarball.bytes.length,
  });
  return { status: 200, headers, body: tarball.bytes, route: TARBALL_ROUTE, path: url };
}

/**
 * `GET /v1/search?…` when every page it needs is fresh in the search cache and this process
 * holds a token of the client's search bucket (taken only then), or undefined. The parameters
 * are read by hono's own query parser, so they are what the app's route would read.
 */
function searchAnswer(
  deps: FastLaneDeps,
  req: IncomingMessage,
  url: string,
  searches: Lru<StoreQueries>,
): HotAnswer | undefined {
  let queries = searches.get(url);
  if (queries === undefined) {
    if (!SEARCH_URL.test(url)) return undefined;
    // hono reads parameters from the request's whole URL (it looks for `?` from index 8).
    const whole = `http://-${url}`;
    try {
      queries = storeQueries(searchInputOf((k) => getQueryParam(whole, k) as string | undefined));
    } catch {
      return undefined; // a parameter the app refuses, with its error
    }
    if (url.length <= PARSED_URL_MAX) searches.set(url, queries);
  }
  const body = peekSearchBundlesJson({ deps, queries });
  if (body === undefined) return undefined;
  const peer = req.socket.remoteAddress;
  const who = clientAddress(
    peer,
    deps.trustProxy ? (req.headers['x-forwarded-for'] as string | undefined) : undefined,
  );
  if (!takeHeldToken({ deps, input: { kind: 'search', who: who ?? 'unknown' } })) return undefined;
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(body.length) };
  return { status: 200, headers, body, route: SEARCH_ROUTE, path: SEARCH_ROUTE };
}

/**
 * The server's request listener: the fast lane first, the app (`fetch`, hono's) for the rest.
 * @example http.createServer(withFastLane(deps, app.fetch))
 */
export function withFastLane(
  deps: FastLaneDeps,
  fetch: Parameters<typeof getRequestListener>[0],
): RequestListener {
  const lane = createFastLane(deps);
  const app = getRequestListener(fetch);
  return (req, res) => {
    if (!lane(req, res)) void app(req, res);
  };
}
