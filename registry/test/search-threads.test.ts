import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { createStore } from '../src/db/create-store.ts';
import { openSqlite, type SqliteDialect } from '../src/db/sqlite/connection.ts';
import type { SearchQuery, Store } from '../src/db/store.ts';
import { addUser, publish } from './contract/fixtures.ts';
import { useCleanups } from './helpers/cleanups.ts';

const { defer, tempDir } = useCleanups('search-threads-');
const CRASHING_WORKER = new URL('./helpers/crashing-search-worker.ts', import.meta.url);

/** A store on `path` whose searches run on one thread (or in thread with `threads: 0`), uncached. */
function open(path: string, threads: number, entry?: URL): { dialect: SqliteDialect; store: Store } {
  const dialect = openSqlite(path, { searchThreads: threads, ...(entry ? { searchEntry: entry } : {}) });
  const store = createStore(dialect, { searchCache: false });
  defer(() => store.close());
  return { dialect, store };
}

async function seeded(): Promise<string> {
  const path = join(await tempDir(), 'registry.db');
  const { store } = open(path, 0);
  await addUser(store, 'alice');
  const add = (
    name: string,
    description: string,
    category: 'deploy' | 'docs' | 'other',
    keywords: string[] = [],
  ) => publish(store, { name, version: '1.0.0', user: 'alice', doc: { description, category, keywords } });
  await add('deploy-vercel', 'Ship previews to Vercel', 'deploy', ['hosting']);
  await add('netlify-helper', 'Deploy sites with Netlify', 'deploy');
  await add('docs-site', 'Write documentation sites; deploy them to Pages', 'docs', ['deploy']);
  for (let i = 0; i < 12; i++) await add(`widget-${i}`, `Widget number ${i}`, 'other', ['widget']);
  await store.addDownloads(
    new Map([
      ['widget-3', 1000],
      ['netlify-helper', 40],
    ]),
  );
  return path;
}

const words = (terms: string[], every = true) => ({ terms, every });
/** One query of each kind the search has: words (all, any, prefix), with a category, none, past the end. */
const QUERIES: SearchQuery[] = [
  { match: words(['deploy']), limit: 10, offset: 0 },
  { match: words(['verc']), limit: 10, offset: 0 },
  { match: words(['vercel', 'netlify'], false), limit: 10, offset: 0 },
  { match: words(['widget']), limit: 5, offset: 5 },
  { match: words(['deploy']), category: 'docs', limit: 10, offset: 0 },
  { category: 'other', limit: 4, offset: 2 },
  { limit: 10, offset: 0 },
  { limit: 10, offset: 100 },
  { match: words(['widget']), limit: 10, offset: 100 },
  { match: words(['"quoted" OR nothing*']), limit: 10, offset: 0 },
];

/** Event-loop turns (setImmediate) that pass before `promise` settles. */
async function turnsWhile(promise: Promise<unknown>): Promise<number> {
  let turns = 0;
  let settled = false;
  void promise.finally(() => {
    settled = true;
  });
  const tick = () =>
    setImmediate(() => {
      if (settled) return;
      turns++;
      tick();
    });
  tick();
  await promise;
  return turns;
}

describe('SQLite search on a worker thread', () => {
  test('every query kind answers the same on the thread as on the main connection, which runs none', async () => {
    const path = await seeded();
    const worker = open(path, 1);
    const inThread = open(path, 0);
    for (const query of QUERIES) {
      const expected = await inThread.store.search(query);
      expect(await worker.store.search(query), JSON.stringify(query)).toEqual(expected);
    }
    expect((await worker.store.search(QUERIES[0]!)).total).toBe(3);
    expect(worker.dialect.searchStats()).toMatchObject({
      inThread: 0,
      threads: { threadsStarted: 1, jobsDone: QUERIES.length + 1 },
    });
    expect(inThread.dialect.searchStats()).toEqual({ inThread: QUERIES.length, threads: undefined });
  });

  test('no thread starts until the first search; a :memory: database keeps searches in thread', async () => {
    const path = await seeded();
    const idle = open(path, 1);
    await idle.store.getBundle('widget-1');
    expect(idle.dialect.searchStats().threads).toMatchObject({ threadsStarted: 0 });
    const memory = open(':memory:', 1);
    await memory.store.search({ limit: 10, offset: 0 });
    expect(memory.dialect.searchStats()).toEqual({ inThread: 1, threads: undefined });
  });

  test('the event loop turns while a thread searches (an in-thread search settles within one turn)', async () => {
    const path = await seeded();
    const worker = open(path, 1);
    const inThread = open(path, 0);
    await worker.store.search(QUERIES[0]!);
    expect(await turnsWhile(worker.store.search(QUERIES[0]!))).toBeGreaterThan(0);
    expect(await turnsWhile(inThread.store.search(QUERIES[0]!))).toBe(0);
  });

  test('a search after a committed write sees it (read your writes), and leaves no read transaction open', async () => {
    const path = await seeded();
    const { store } = open(path, 1);
    const deploy = { match: words(['deploy']), limit: 10, offset: 0 };
    expect((await store.search(deploy)).total).toBe(3);
    await publish(store, {
      name: 'deploy-fly',
      version: '1.0.0',
      user: 'alice',
      doc: { description: 'Fly' },
    });
    expect((await store.search(deploy)).hits.map((h) => h.name)).toContain('deploy-fly');
    await store.setYanked(
      { name: 'deploy-fly', version: '1.0.0', yanked: true },
      { actor: 'alice', at: '2030-01-01T00:00:00.000Z', ip: null, requestId: null },
    );
    expect((await store.search(deploy)).hits.map((h) => h.name)).not.toContain('deploy-fly');
    await store.addDownloads(new Map([['docs-site', 10_000]]));
    expect((await store.search(deploy)).hits[0]?.name).toBe('docs-site');
    // A checkpoint that must wait for every reader finishes: the thread holds no snapshot.
    const db = new Database(path);
    defer(async () => db.close());
    expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
  });

  test("a SQLite error rejects the search with the main connection's SqliteError and code", async () => {
    const path = await seeded();
    const worker = open(path, 1);
    const inThread = open(path, 0);
    const query = { match: words(['deploy']), limit: 10, offset: 0 };
    await worker.store.search(query);
    const db = new Database(path);
    db.exec('DROP TABLE search_rank');
    db.close();
    const expected = await inThread.store.search(query).catch((e: unknown) => e);
    expect(expected).toBeInstanceOf(Database.SqliteError);
    const actual = await worker.store.search(query).catch((e: unknown) => e);
    expect(actual).toBeInstanceOf(Database.SqliteError);
    expect(actual).toMatchObject({
      code: (expected as { code: string }).code,
      message: (expected as Error).message,
    });
  });

  test('a thread that dies rejects the search it ran, and the next search gets a new thread', async () => {
    const path = await seeded();
    const { dialect, store } = open(path, 1, CRASHING_WORKER);
    const crashing = store.search({ category: 'crash', limit: 10, offset: 0 });
    const waiting = store.search({ category: 'docs', limit: 10, offset: 0 });
    await expect(crashing).rejects.toThrow(/search worker exited with code 3/);
    expect((await waiting).hits.map((h) => h.name)).toEqual(['docs-site']);
    expect(dialect.searchStats().threads).toMatchObject({ threadsStarted: 2, threadsAlive: 1 });
  });

  test('close() ends the thread and rejects searches after it', async () => {
    const path = await seeded();
    const dialect = openSqlite(path, { searchThreads: 1 });
    const store = createStore(dialect, { searchCache: false });
    await store.search({ limit: 10, offset: 0 });
    expect(dialect.searchStats().threads).toMatchObject({ threadsAlive: 1 });
    await store.close();
    expect(dialect.searchStats().threads).toMatchObject({ threadsAlive: 0, running: 0, waiting: 0 });
    await expect(store.search({ limit: 10, offset: 0 })).rejects.toThrow(/closed/);
  });
});
