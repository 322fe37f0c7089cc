import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDocumentSchema } from '@skills/schemas';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { createPgStore } from '../src/db/pg/pg-store.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import type { Store } from '../src/db/store.ts';
import { createDocumentCache, type DocumentCache } from '../src/document-cache.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { addUser, audit, publish } from './contract/fixtures.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';
import { makeTestRegistry } from './helpers/test-registry.ts';

/** A store whose every method call is counted by name (the subscription is not a read). */
function counting(store: Store): { store: Store; calls: Map<string, number>; total(): number } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || key === 'onBundleChange') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

describe('bundle documents from memory', () => {
  test('a 304 and a cached 200 make zero store calls; a write through the store shows at once', async () => {
    let spy: ReturnType<typeof counting> | undefined;
    const r = await makeTestRegistry(
      {},
      {
        store: (s) => {
          spy = counting(s);
          return spy.store;
        },
      },
    );
    try {
      const token = await r.user('alice');
      await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
      const first = await r.call('GET', '/v1/bundles/tool');
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      const body = await first.text();

      spy!.calls.clear();
      for (let i = 0; i < 5; i++) {
        const cond = await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': etag } });
        expect(cond.status).toBe(304);
        const full = await r.call('GET', '/v1/bundles/tool');
        expect(full.status).toBe(200);
        expect(full.headers.get('etag')).toBe(etag);
        expect(await full.text()).toBe(body);
      }
      expect(Object.fromEntries(spy!.calls)).toEqual({});

      // In-process writes (a publish, a deprecation, downloads) show on the next GET, no poll.
      await r.publish(token, 'tool', bundleTarball('tool', '1.0.1'));
      let doc = bundleDocumentSchema.parse(await (await r.call('GET', '/v1/bundles/tool')).json());
      expect(Object.keys(doc.versions)).toEqual(['1.0.0', '1.0.1']);
      await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', { token, json: { message: 'old' } });
      doc = bundleDocumentSchema.parse(await (await r.call('GET', '/v1/bundles/tool')).json());
      expect(doc.versions['1.0.0']!.deprecated).toBe('old');
      spy!.calls.clear();
      await r.store.addDownloads(new Map([['tool', 3]]));
      const counted = await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': etag } });
      expect(counted.status).toBe(200);
      expect(bundleDocumentSchema.parse(await counted.json()).downloads).toBe(3);
      // The download total came back from the write (made on the unwrapped store): the app read nothing.
      expect(Object.fromEntries(spy!.calls)).toEqual({});
    } finally {
      await r.close();
    }
  });
});

/** Two processes' worth of registry (store, document cache, app) on one database. */
async function twoProcesses(open: () => Promise<Store>) {
  const made: { store: Store; docs: DocumentCache; app: ReturnType<typeof createApp> }[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await open();
    // No timer: each test polls by hand, standing for the interval passing.
    const docs = createDocumentCache({ store });
    await docs.poll();
    const app = createApp({
      store,
      documents: docs,
      blobs: createMemoryBlobStore(),
      signer: createEphemeralSigner(),
    });
    made.push({ store, docs, app });
  }
  const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
  const get = async (app: typeof a.app, headers: Record<string, string> = {}) => {
    const res = await app.request('/v1/bundles/tool', { headers });
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      body: res.status === 200 ? await res.json() : undefined,
    };
  };
  return {
    a,
    b,
    get,
    async close() {
      for (const p of made) {
        p.docs.stop();
        await p.store.close();
      }
    },
  };
}

/** The cross-process contract, for any pair of stores on one database. */
async function crossProcess(open: () => Promise<Store>) {
  const w = await twoProcesses(open);
  try {
    await addUser(w.a.store, 'alice');
    await addUser(w.a.store, 'bob');
    await publish(w.a.store, { name: 'tool', version: '1.0.0', user: 'alice' });
    const first = await w.get(w.b.app);
    expect(first.status).toBe(200);
    expect(Object.keys(bundleDocumentSchema.parse(first.body).versions)).toEqual(['1.0.0']);

    // A publish in A: B serves its kept document until it polls, then the new one.
    await publish(w.a.store, { name: 'tool', version: '1.0.1', user: 'alice' });
    expect(await w.get(w.b.app, { 'if-none-match': first.etag! })).toMatchObject({ status: 304 });
    await w.b.docs.poll();
    const second = await w.get(w.b.app, { 'if-none-match': first.etag! });
    expect(second.status).toBe(200);
    expect(Object.keys(bundleDocumentSchema.parse(second.body).versions)).toEqual(['1.0.0', '1.0.1']);
    // ...and A, whose write it was, agrees byte for byte (same ETag) without polling.
    const fromA = await w.get(w.a.app);
    expect(fromA).toEqual(second);

    // Every other kind of write, and downloads, reach B the same way.
    await w.a.store.setYanked({ name: 'tool', version: '1.0.0', yanked: true }, audit());
    await w.a.store.setDistTag({ name: 'tool', tag: 'next', version: '1.0.1' }, audit());
    await w.a.store.addOwner({ name: 'tool', username: 'bob' }, audit());
    await w.a.store.addDownloads(new Map([['tool', 4]]));
    await w.b.docs.poll();
    const third = bundleDocumentSchema.parse((await w.get(w.b.app)).body);
    expect(third.versions['1.0.0']!.yanked).toBe(true);
    expect(third.distTags).toEqual({ latest: '1.0.1', next: '1.0.1' });
    expect(third.owners).toEqual(['alice', 'bob']);
    expect(third.downloads).toBe(4);
    expect(await w.get(w.b.app)).toEqual(await w.get(w.a.app));

    // A poll that finds nothing new reads one counter row and changes nothing.
    const before = w.b.docs.generation;
    await w.b.docs.poll();
    expect(w.b.docs.generation).toBe(before);
  } finally {
    await w.close();
  }
}

describe('cross-process invalidation', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  test('SQLite: two connections on one file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doc-cache-'));
    dirs.push(dir);
    await crossProcess(async () => createSqliteStore({ path: join(dir, 'registry.db') }));
  });

  const newSchema = useTestSchemas();
  test.skipIf(!PG_URL)('PostgreSQL: two pools on one schema (needs DATABASE_URL=postgres://…)', async () => {
    const schema = newSchema();
    await crossProcess(() => createPgStore({ url: PG_URL!, schema, maxConnections: 2 }));
  });

  test('a document read while a change is applied is served but not kept', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    const docs = createDocumentCache({ store });
    const taken = docs.generation;
    await addUser(store, 'alice');
    await publish(store, { name: 'tool', version: '1.0.0', user: 'alice' });
    docs.put(taken, 'tool', { origin: 'x', revision: 1, downloads: 0, json: '{"a":1}' });
    expect(docs.get('tool')).toBeUndefined();
    docs.put(docs.generation, 'tool', { origin: 'x', revision: 2, downloads: 0, json: '{"a":1}' });
    expect(docs.get('tool')?.body).toBe('{"a":1,"downloads":0}');
    docs.stop();
    await store.close();
  });
});
