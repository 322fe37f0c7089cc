import { afterEach, beforeEach, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createFsBlobStore } from '../src/storage/fs-blob-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { tableCounts } from './helpers/leftovers.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/**
 * docs/security.md row 14: writers race; the store's unique (name, version) and its claim are the
 * arbiters, never a per-process copy of state. (test/server.test.ts repeats this across real
 * processes.)
 */

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
});
afterEach(() => r.close());

test('50 parallel publishes of one new version: exactly one 201, 49 × 409', async () => {
  const tgz = bundleTarball('racy', '1.0.0');
  const results = await Promise.all(Array.from({ length: 50 }, () => r.publish(token, 'racy', tgz)));
  const statuses = results.map((res) => res.status).sort();
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(49);
  for (const res of results.filter((x) => x.status === 409)) {
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VERSION_EXISTS');
  }
  expect(tableCounts(r.dbPath)).toMatchObject({
    bundles: 1,
    versions: 1,
    published_versions: 1,
    pending_publishes: 0,
  });
  expect(await r.blobFiles()).toHaveLength(1);
  const tarball = await r.call('GET', '/v1/bundles/racy/-/racy-1.0.0.tgz');
  expect(Buffer.from(await tarball.arrayBuffer()).equals(tgz)).toBe(true);
});

test('50 parallel publishes of distinct versions all land, and latest is the highest', async () => {
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => r.publish(token, 'many', bundleTarball('many', `1.0.${i}`))),
  );
  expect(results.map((x) => x.status)).toEqual(Array(50).fill(201));
  const doc = (await (await r.call('GET', '/v1/bundles/many')).json()) as {
    versions: object;
    distTags: { latest: string };
  };
  expect(Object.keys(doc.versions)).toHaveLength(50);
  expect(doc.distTags.latest).toBe('1.0.49');
  expect(await r.blobFiles()).toHaveLength(50);
});

test('20 parallel publishes of one version with different bytes each: one wins, its blob alone is kept', async () => {
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      r.publish(token, 'contested', bundleTarball('contested', '2.0.0', { description: `variant ${i}` })),
    ),
  );
  expect(results.filter((x) => x.status === 201)).toHaveLength(1);
  // Only the winner's blob is kept: losers clean their own bytes.
  expect(await r.blobFiles()).toHaveLength(1);
});

test('two apps on one database and blob dir (two processes) race for new names', async () => {
  const otherStore = createSqliteStore({ path: r.dbPath });
  const other = createApp({
    store: otherStore,
    blobs: createFsBlobStore({ dir: r.blobDir }),
    signer: createEphemeralSigner(),
    rateLimits: false,
  });
  const tgz = bundleTarball('shared-name', '1.0.0');
  const twin = bundleTarball('sharedname', '1.0.0');
  const put = (app: typeof other, name: string, body: Buffer) =>
    app.request(`/v1/bundles/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(body),
    });
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? put(r.app, i % 4 === 0 ? 'shared-name' : 'sharedname', i % 4 === 0 ? tgz : twin)
        : put(other, i % 4 === 1 ? 'shared-name' : 'sharedname', i % 4 === 1 ? tgz : twin),
    ),
  );
  await otherStore.close();
  // One of the two confusable names wins, once; everything else is 409.
  expect(results.filter((x) => x.status === 201)).toHaveLength(1);
  expect(results.every((x) => x.status === 201 || x.status === 409)).toBe(true);
  expect(tableCounts(r.dbPath)).toMatchObject({ bundles: 1, versions: 1, pending_publishes: 0 });
  expect(await r.blobFiles()).toHaveLength(1);
});
