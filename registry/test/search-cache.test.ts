import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { createStore } from '../src/db/create-store.ts';
import type { Dialect } from '../src/db/dialect.ts';
import { openPg } from '../src/db/pg/connection.ts';
import { READ_AHEAD, SEARCH_CACHE_DEFAULTS } from '../src/db/search-cache.ts';
import { openSqlite } from '../src/db/sqlite/connection.ts';
import type { SearchQuery, Store } from '../src/db/store.ts';
import { addUser, audit, publish } from './contract/fixtures.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';

/**
 * The search cache (db/search-cache.ts) on both dialects: a repeated search asks the database
 * nothing; every write that changes what search returns drops it, at once in the process that
 * wrote and within `pollMs` in another process on the same database. Counted, never timed.
 */

const pgUrl = PG_URL;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
const newSchema = useTestSchemas('search_cache');

/** A place both "processes" open: one SQLite file, or one PostgreSQL schema. */
type OpenDialect = () => Promise<Dialect>;
const dialects: [string, () => Promise<OpenDialect>][] = [
  [
    'sqlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'search-cache-'));
      dirs.push(dir);
      return async () => openSqlite(join(dir, 'registry.db'));
    },
  ],
];
if (pgUrl) {
  dialects.push([
    'postgres',
    async () => {
      const schema = newSchema();
      return () => openPg({ url: pgUrl, schema, max: 2 });
    },
  ]);
}

/** Every query the store sends to the dialect, counted: searches apart from everything else. */
function counting(d: Dialect) {
  const calls = { search: 0, other: 0 };
  const counted =
    <A extends unknown[], T>(f: (...args: A) => T) =>
    (...args: A): T => {
      calls.other++;
      return f(...args);
    };
  const dialect: Dialect = {
    ...d,
    run: (work) => counted(d.run)(work),
    snapshot: (work) => counted(d.snapshot)(work),
    transaction: (work) => counted(d.transaction)(work),
    write: (work) => counted(d.write)(work),
    prepareGet: (build) => counted(d.prepareGet(build)),
    search: (query) => {
      calls.search++;
      return d.search(query);
    },
  };
  return { dialect, calls, reset: () => Object.assign(calls, { search: 0, other: 0 }) };
}

const deploy: SearchQuery = { match: { terms: ['deploy'], every: true }, limit: 10, offset: 0 };
const names = async (store: Store) =>
  (await store.search(deploy)).hits.map((h) => `${h.name}@${h.version}`).sort();
const { pollMs, ttlMs } = SEARCH_CACHE_DEFAULTS;

describe.each(dialects)('search cache on %s', (_kind, place) => {
  test('a repeated search asks nothing; a publish, yank or tag change is seen at once', async () => {
    const open = await place();
    let now = 0;
    const c = counting(await open());
    const store = createStore(c.dialect, { searchCache: { now: () => now } });
    try {
      await addUser(store, 'alice');
      await publish(store, { name: 'deploy-vercel', version: '1.0.0', user: 'alice' });
      await publish(store, { name: 'deploy-fly', version: '1.0.0', user: 'alice' });
      expect(await names(store)).toEqual(['deploy-fly@1.0.0', 'deploy-vercel@1.0.0']);
      c.reset();
      for (let i = 0; i < 5; i++) expect(await names(store)).toHaveLength(2);
      expect(c.calls).toEqual({ search: 0, other: 0 });
      // Past the poll interval: one read of the revision, which has not moved; no search.
      now += pollMs;
      expect(await names(store)).toHaveLength(2);
      expect(c.calls).toEqual({ search: 0, other: 1 });

      await publish(store, { name: 'deploy-netlify', version: '1.0.0', user: 'alice' });
      expect(await names(store)).toEqual(['deploy-fly@1.0.0', 'deploy-netlify@1.0.0', 'deploy-vercel@1.0.0']);
      await store.setYanked({ name: 'deploy-fly', version: '1.0.0', yanked: true }, audit('alice'));
      expect(await names(store)).toEqual(['deploy-netlify@1.0.0', 'deploy-vercel@1.0.0']);
      await publish(store, { name: 'deploy-vercel', version: '2.0.0', user: 'alice' });
      expect(await names(store)).toEqual(['deploy-netlify@1.0.0', 'deploy-vercel@2.0.0']);
      await store.setDistTag({ name: 'deploy-vercel', tag: 'latest', version: '1.0.0' }, audit('alice'));
      expect(await names(store)).toEqual(['deploy-netlify@1.0.0', 'deploy-vercel@1.0.0']);
      c.reset();
      expect(await names(store)).toHaveLength(2);
      expect(c.calls.search).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('another process on the same database sees a write after its next poll, downloads after the ttl', async () => {
    const open = await place();
    let now = 0;
    const options = { searchCache: { now: () => now } };
    const writer = createStore(await open(), options);
    const c = counting(await open());
    const reader = createStore(c.dialect, options);
    try {
      await addUser(writer, 'alice');
      await publish(writer, { name: 'deploy-vercel', version: '1.0.0', user: 'alice' });
      expect(await names(reader)).toEqual(['deploy-vercel@1.0.0']);

      await publish(writer, { name: 'deploy-fly', version: '1.0.0', user: 'alice' });
      // Within the poll interval the reader answers from its cache (the documented window); past
      // READ_AHEAD of it, it also reads the revision in the background, without waiting for it.
      now += pollMs * READ_AHEAD - 1;
      c.reset();
      expect(await names(reader)).toEqual(['deploy-vercel@1.0.0']);
      expect(c.calls).toEqual({ search: 0, other: 0 });
      now += 1;
      expect(await names(reader)).toEqual(['deploy-vercel@1.0.0']);
      expect(c.calls).toEqual({ search: 0, other: 1 });
      // Once that read is back (searches meanwhile answer from the cache) it has dropped the
      // pages: the next search sees the write, with no read of its own.
      await vi.waitFor(async () =>
        expect(await names(reader)).toEqual(['deploy-fly@1.0.0', 'deploy-vercel@1.0.0']),
      );
      expect(c.calls).toEqual({ search: 1, other: 1 });
      now += pollMs * (1 - READ_AHEAD);
      expect(await names(reader)).toHaveLength(2);
      expect(c.calls).toEqual({ search: 1, other: 1 });

      await writer.setYanked({ name: 'deploy-fly', version: '1.0.0', yanked: true }, audit('alice'));
      now += pollMs;
      expect(await names(reader)).toEqual(['deploy-vercel@1.0.0']);

      // Download counts bump no revision: another process's show once the page is past its ttl
      // (the first search then gets the old page and refreshes it in the background), and
      // certainly once it is maxAge old.
      const downloads = async () => (await reader.search(deploy)).hits[0]?.downloads;
      expect(await downloads()).toBe(0);
      await writer.addDownloads(new Map([['deploy-vercel', 7]]));
      now += pollMs;
      expect(await downloads()).toBe(0);
      now += ttlMs;
      c.reset();
      expect(await downloads()).toBe(0);
      await vi.waitFor(async () => expect(await downloads()).toBe(7));
      expect(c.calls.search).toBe(1);
      await writer.addDownloads(new Map([['deploy-vercel', 1]]));
      now += 2 * ttlMs;
      expect(await downloads()).toBe(8);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
