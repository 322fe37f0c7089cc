/**
 * `npx vitest run bench/lib/wrk.test.ts` (needs /usr/bin/wrk): the generated Lua script against
 * a server that counts what it receives. Proves by counting, never by timing, that wrk cycles
 * over every path, sends each path's own headers, and that the JSON from `done()` reports the
 * requests and the answers outside 2xx/3xx as the server saw them.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedCount, parseWrkOutput, runWrk, WRK_BIN, wrkScript } from './wrk.ts';

const etagOf = (path: string) => `"etag-${path.slice(1)}"`;

describe.skipIf(!existsSync(WRK_BIN))('wrk load with a generated script', () => {
  let server: Server;
  let url = '';
  const seen = { byPath: new Map<string, number>(), matched: 0, mismatched: 0, notFound: 0 };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      seen.byPath.set(path, (seen.byPath.get(path) ?? 0) + 1);
      if (path.startsWith('/missing')) {
        seen.notFound++;
        res.writeHead(404).end('no');
        return;
      }
      const inm = req.headers['if-none-match'];
      if (inm === undefined) {
        res.writeHead(200, { etag: etagOf(path) }).end('body');
      } else if (inm === etagOf(path)) {
        seen.matched++;
        res.writeHead(304).end();
      } else {
        seen.mismatched++;
        res.writeHead(200).end('body');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('cycles over every path with its own If-None-Match, and counts what the server answered', async () => {
    const paths = ['/a', '/b', '/c', '/d', '/e'];
    const r = await runWrk({
      url,
      requests: paths.map((path) => ({ path, headers: { 'If-None-Match': etagOf(path) } })),
      threads: 2,
      connections: 4,
      durationSec: 1,
    });
    expect(r.requests).toBeGreaterThan(0);
    for (const p of paths) expect(seen.byPath.get(p) ?? 0).toBeGreaterThan(0);
    expect(seen.mismatched).toBe(0);
    // wrk counts the responses that completed within the duration; the server may see a few more.
    expect(seen.matched).toBeGreaterThanOrEqual(r.requests);
    expect(failedCount(r)).toBe(0);
  });

  it('counts answers outside 2xx/3xx as errors.status', async () => {
    seen.notFound = 0;
    const r = await runWrk({
      url,
      requests: [{ path: '/missing' }, { path: '/a' }],
      threads: 1,
      connections: 1,
      durationSec: 1,
    });
    expect(r.errors.status).toBeGreaterThan(0);
    // One connection, requests alternate: half of what wrk counted were 404s (±1 at the end).
    expect(Math.abs(r.errors.status * 2 - r.requests)).toBeLessThanOrEqual(1);
    expect(seen.notFound).toBeGreaterThanOrEqual(r.errors.status);
  });
});

describe('wrk script and output', () => {
  it('rejects paths and headers that are not printable ASCII', () => {
    expect(() => wrkScript([{ path: '/a\nb' }])).toThrow(/printable ASCII/);
    expect(() => wrkScript([{ path: '/a', headers: { x: 'é' } }])).toThrow(/printable ASCII/);
  });
  it('reads the JSON line of done()', () => {
    const r = parseWrkOutput(
      'Running 1s test\nWRKJSON {"requests":10,"duration_us":2000000,"bytes":100,"errors":{"connect":0,"read":1,"write":0,"status":2,"timeout":0},"latency":{"mean":1.5,"max":9,"p50":1,"p90":2,"p95":3,"p99":4,"p999":5}}\n',
    );
    expect(r.rps).toBe(5);
    expect(failedCount(r)).toBe(3);
    expect(r.latency.p99).toBe(4);
  });
  it('fails clearly when wrk printed no JSON line', () => {
    expect(() => parseWrkOutput('unable to connect')).toThrow(/no WRKJSON line/);
  });
});
