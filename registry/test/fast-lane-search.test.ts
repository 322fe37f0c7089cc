import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import type { AppDeps } from '../src/deps.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { type LaneServer, startLaneServer } from './helpers/lane-server.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let origin: string;

/**
 * Searches whose pages the search cache holds fresh are answered by the server's fast lane, as
 * the app would answer them, spending the client's rate-limit tokens; everything else reaches
 * the app. `lane.appCalls()` counts what reached it; the search cache runs on a clock the test moves.
 */
describe('the fast lane for searches', () => {
  let reg: TestRegistry;
  let lane: LaneServer;
  let token: string;
  let clock = 0;
  let dbPath: string;

  async function start(overrides: Partial<AppDeps> = {}) {
    clock = 0;
    dbPath = join(await tmp(), 'registry.db');
    reg = await makeTestRegistry({
      store: createSqliteStore({
        path: dbPath,
        searchThreads: 0,
        searchCache: { now: () => clock, pollMs: 1000, ttlMs: 1500, jitter: 0 },
      }),
      ...overrides,
    });
    lane = await startLaneServer(reg);
    origin = lane.origin;
    token = await reg.user('alice');
    for (const name of ['deploy-vercel', 'docs-site'])
      expect((await reg.publish(token, name, bundleTarball(name, '1.0.0'))).status).toBe(201);
  }
  afterEach(async () => {
    await lane.close();
    await reg.close();
  });

  const get = async (path: string) => {
    const res = await fetch(origin + path);
    const body = await res.text();
    const head = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'x-request-id'].includes(k)));
    return { status: res.status, head, body };
  };
  const downloads = (body: string) =>
    (JSON.parse(body) as { results: { downloads: number }[] }).results[0]?.downloads;
  const names = (body: string) =>
    (JSON.parse(body) as { results: { name: string }[] }).results.map((r) => r.name);

  it('answers a cached search without the app, with the same answer, log line and metrics', async () => {
    await start();
    const fromApp = await get('/v1/search?q=deploy&limit=5');
    expect(lane.appCalls()).toBe(1);
    const fromLane = await get('/v1/search?q=deploy&limit=5');
    expect(lane.appCalls()).toBe(1);
    expect(fromLane).toEqual(fromApp);
    expect(names(fromLane.body)).toEqual(['deploy-vercel']);
    // The same parameters in another order, or spelled with `+` and percent-encoding, are the
    // same search: hono's parser reads them in the lane too.
    expect((await get('/v1/search?limit=5&q=deploy')).body).toBe(fromApp.body);
    expect((await get('/v1/search?q=%64eploy&limit=5')).body).toBe(fromApp.body);
    expect(lane.appCalls()).toBe(1);
    const lines = reg.logs.filter((l) => l.msg === 'request').slice(-2);
    expect(lines.map((l) => [l.route, l.path, l.status])).toEqual([
      ['/v1/search', '/v1/search', 200],
      ['/v1/search', '/v1/search', 200],
    ]);
    expect(reg.deps.metrics.render()).toMatch(/route="\/v1\/search",status="200"} 4/);
  });

  it('parses a search URL once: the same URL asks the cache with the same query, a long URL anew', async () => {
    await start();
    const peek = vi.spyOn(reg.deps.store, 'peekSearch');
    const lastQuery = () => peek.mock.calls.at(-1)?.[0];
    const short = '/v1/search?q=deploy';
    await get(short); // the app fills the cache; the lane only peeked
    const calls = lane.appCalls();
    await get(short);
    const first = lastQuery();
    await get(short);
    expect(lastQuery()).toBe(first);
    // Past 512 characters a URL is not kept: each request parses it again, to an equal query.
    const long = `/v1/search?q=deploy&pad=${'x'.repeat(600)}`;
    await get(long);
    const once = lastQuery();
    const answer = await get(long);
    expect(lastQuery()).not.toBe(once);
    expect(lastQuery()).toEqual(once);
    expect(names(answer.body)).toEqual(['deploy-vercel']);
    expect(lane.appCalls()).toBe(calls);
  });

  it('takes the fallback page for several terms from the cache too', async () => {
    await start();
    const fromApp = await get('/v1/search?q=deploy+nothingmatches');
    expect(names(fromApp.body)).toEqual(['deploy-vercel']); // no page has both: any term
    expect(lane.appCalls()).toBe(1);
    expect((await get('/v1/search?q=deploy+nothingmatches')).body).toBe(fromApp.body);
    expect(lane.appCalls()).toBe(1);
  });

  it('answers a stale page while refreshing it; leaves to the app a due revision read and a publish made here', async () => {
    await start();
    await get('/v1/search?q=docs');
    expect(lane.appCalls()).toBe(1);
    clock = 999; // three quarters of the poll interval gone: the lane answers and reads the revision ahead
    await get('/v1/search?q=docs');
    clock = 1000; // that read (at 999) is this second's: the lane still answers
    await get('/v1/search?q=docs');
    expect(lane.appCalls()).toBe(1);
    // Download counts bump no revision: only a refresh of the page shows this one.
    const other = new Database(dbPath);
    other.prepare("UPDATE bundles SET downloads = 42 WHERE name = 'docs-site'").run();
    other.close();
    clock = 1600; // past the page's ttl (1500): the lane answers it stale and starts one refresh
    expect(downloads((await get('/v1/search?q=docs')).body)).toBe(0);
    expect(lane.appCalls()).toBe(1);
    // The refresh (started at 1600) answered: the lane answers the new page.
    await vi.waitFor(async () => expect(downloads((await get('/v1/search?q=docs')).body)).toBe(42));
    expect(lane.appCalls()).toBe(1);
    clock = 2000; // the revision (read at 999) is due: the app waits for it
    await get('/v1/search?q=docs');
    expect(lane.appCalls()).toBe(2);

    expect((await reg.publish(token, 'docs-writer', bundleTarball('docs-writer', '1.0.0'))).status).toBe(201);
    const after = await get('/v1/search?q=docs');
    expect(lane.appCalls()).toBe(3);
    expect(names(after.body).sort()).toEqual(['docs-site', 'docs-writer']);
  });

  it('leaves to the app what it would refuse and what the parser could read otherwise', async () => {
    await start();
    for (const path of ['/v1/search?q=deploy', '/v1/search?q=deploy&category=nope', "/v1/search?q=it's"])
      await raw(path);
    const before = lane.appCalls();
    expect((await raw('/v1/search?q=deploy&category=nope')).status).toBe(400);
    expect((await raw('/v1/search?q=deploy&limit=0')).status).toBe(400);
    // `'` (sent as it is: fetch would encode it) is encoded by the app's URL parsing.
    expect((await raw("/v1/search?q=it's")).status).toBe(200);
    expect((await raw('/v1/search/?q=deploy')).status).toBe(404); // the app's path rules
    expect((await raw('/v1/search?q=deploy', 'HEAD')).status).toBe(200);
    expect((await raw('/v1/search?q=deploy')).status).toBe(200);
    expect(lane.appCalls()).toBe(before + 5);
  });

  it("spends the client's rate-limit tokens: the lane's searches count against the bucket", async () => {
    await start({ rateLimits: { search: { capacity: 12, refillMs: 3_600_000, lease: 4 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await get('/v1/search?q=deploy')).status);
    expect(statuses).toEqual([...Array(12).fill(200), 429, 429, 429]);
    // Leases of 4 from a bucket of 12: three takes from the store, by the app; the lane spent
    // the other nine tokens, and never answered past the bucket.
    expect(lane.appCalls()).toBe(3 + 3);
  });
});

/** A request whose target is sent exactly as written (a URL string would be parsed and encoded). */
function raw(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function tmp(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  return mkdtemp(join(tmpdir(), 'fast-lane-search-'));
}
