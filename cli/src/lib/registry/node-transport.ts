import type { Agent, request as HttpRequest, IncomingMessage } from 'node:http';

/** The response headers the client reads: `Headers` (fetch) and the node transport both fit. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** One exchange, as the node transport returns it; the body already read and bounded. */
export interface NodeResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
}

/** Thrown when the body would pass `maxBytes`; the caller turns it into TOO_LARGE. */
export class BodyTooLarge extends Error {
  constructor() {
    super('response body too large');
    this.name = 'BodyTooLarge';
  }
}

/** How one protocol sends: its `request` and its keep-alive pool (idle sockets never keep the process alive). */
interface Protocol {
  request: typeof HttpRequest;
  agent: Agent;
}
const protocols = new Map<'http:' | 'https:', Promise<Protocol>>();

/**
 * node:http, and node:https with tls, are loaded by the first request of their protocol: a warm
 * install that asks nothing never pays for them.
 */
function protocolOf(url: URL): Promise<Protocol> {
  const key = url.protocol === 'https:' ? 'https:' : 'http:';
  let p = protocols.get(key);
  if (!p) {
    p = (key === 'https:' ? import('node:https') : import('node:http')).then((m) => ({
      request: m.request,
      agent: new m.Agent({ keepAlive: true }),
    }));
    protocols.set(key, p);
  }
  return p;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** A request as `nodeRequest` takes it; `exchange` gets each hop's URL parsed. */
export interface NodeRequest<U extends string | URL = string> {
  method: string;
  url: U;
  headers: Record<string, string>;
  body?: Buffer | string | undefined;
  maxBytes: number;
  signal: AbortSignal;
}

/**
 * One HTTP(S) request on node:http, what global fetch did minus its start-up cost (undici is
 * ~30 ms to load and ~1 ms of CPU per request here): keep-alive, the body read with a byte cap
 * (a lying or missing Content-Length changes nothing), `signal` covering the whole exchange
 * (its reason is thrown: TimeoutError/AbortError), redirects of GET followed like fetch does,
 * with `authorization` dropped when a redirect leaves the origin. Network errors are thrown as
 * node raises them (`code` ECONNREFUSED, …); BodyTooLarge past `maxBytes`.
 * @example const res = await nodeRequest({ method: 'GET', url, headers: {}, maxBytes: 1 << 20, signal })
 */
export async function nodeRequest(req: NodeRequest): Promise<NodeResponse> {
  let url = new URL(req.url);
  let headers = { ...req.headers };
  for (let hop = 0; ; hop++) {
    const res = await exchange(await protocolOf(url), { ...req, url, headers });
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || !location || req.method !== 'GET' || hop >= MAX_REDIRECTS) return res;
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return res;
    if (next.origin !== url.origin) {
      const { authorization: _dropped, ...rest } = headers;
      headers = rest;
    }
    url = next;
  }
}

function exchange(protocol: Protocol, req: NodeRequest<URL>): Promise<NodeResponse> {
  return new Promise<NodeResponse>((resolve, reject) => {
    if (req.signal.aborted) {
      reject(req.signal.reason);
      return;
    }
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    let settled = false;
    const fail = (err: unknown, res?: IncomingMessage) => {
      if (settled) return;
      settled = true;
      req.signal.removeEventListener('abort', onAbort);
      reject(err);
      res?.destroy();
      request.destroy();
    };
    const onAbort = () => fail(req.signal.reason);
    const request = protocol.request(
      req.url,
      { method: req.method, headers, agent: protocol.agent },
      (res: IncomingMessage) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > req.maxBytes) {
          fail(new BodyTooLarge(), res);
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > req.maxBytes) {
            fail(new BodyTooLarge(), res);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(err));
        res.on('aborted', () =>
          fail(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' })),
        );
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) {
            fail(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }));
            return;
          }
          settled = true;
          req.signal.removeEventListener('abort', onAbort);
          resolve({
            status: res.statusCode ?? 0,
            headers: headersOf(res),
            body: Buffer.concat(chunks, total),
          });
        });
      },
    );
    req.signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (err) => fail(err));
    request.end(req.body);
  });
}

function headersOf(res: IncomingMessage): ResponseHeaders {
  return {
    get(name) {
      const v = res.headers[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(', ') : v;
    },
  };
}
