/**
 * `node --import tsx bench/lib/bare-node.ts FILE`: the floor of the 304 row. A bare `node:http`
 * server (no framework, no logging, no metrics) that answers the documents in FILE (JSON,
 * `FloorDocument[]`: the registry's own bodies and headers, fetched by the bench) with a 200, or
 * a bodiless 304 when `If-None-Match` is the document's ETag. What its 304 gains over
 * its 200 is what any Node server can gain on these documents. Prints
 * `listening on http://127.0.0.1:PORT` like the registry.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One document as the floor serves it: the registry's body, and its headers for a 200 and a 304. */
export interface FloorDocument {
  path: string;
  body: string;
  etag: string;
  ok: Record<string, string>;
  notModified: Record<string, string>;
}

const file = process.argv[2];
if (!file) throw new Error('usage: bare-node.ts DOCUMENTS.json');
const docs = new Map((JSON.parse(readFileSync(file, 'utf8')) as FloorDocument[]).map((d) => [d.path, d]));

const server = createServer((req, res) => {
  const doc = docs.get(req.url ?? '');
  if (!doc) {
    res.writeHead(404);
    res.end();
  } else if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, doc.notModified);
    res.end();
  } else {
    res.writeHead(200, doc.ok);
    res.end(doc.body);
  }
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
