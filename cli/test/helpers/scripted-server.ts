import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** What the script answers: a status, headers and a body (objects are sent as JSON); `hang` never answers. */
export type ScriptedReply =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'hang'
  | ((req: RecordedRequest, res: ServerResponse) => void);

/**
 * An HTTP server on 127.0.0.1, port 0, that records every request and answers with `reply`
 * (called with the request and its index).
 * @example const srv = await startScriptedServer((req, i) => i === 0 ? { status: 503 } : { status: 200, body: {} })
 */
export async function startScriptedServer(
  reply: (req: RecordedRequest, index: number) => ScriptedReply,
): Promise<{ url: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(rec);
      const r = reply(rec, requests.length - 1);
      if (r === 'hang') return;
      if (typeof r === 'function') return r(rec, res);
      const isBuffer = Buffer.isBuffer(r.body);
      const body =
        r.body === undefined ? '' : isBuffer || typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      const type = isBuffer ? 'application/octet-stream' : 'application/json';
      res.writeHead(r.status, { 'content-type': type, ...r.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A registry error envelope body. */
export function envelope(code: string, message: string, extra: Record<string, unknown> = {}): unknown {
  return { error: { code, message, requestId: 'req-1', ...extra } };
}
