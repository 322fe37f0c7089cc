import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { addUser, audit, type MakeStore, publish, storedVersion, T0 } from './fixtures.ts';

/** The publish transaction: every refusal, ownership, scopes, the ledger and claims. */
export function publishContract(makeStore: MakeStore): void {
  describe('publish', () => {
    test('a first publish creates the bundle, its owner, latest, the ledger entry and a search row', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      expect(await publish(store, { name: 'tool', version: '1.0.0', user: 'alice' })).toEqual({
        ok: true,
        created: true,
        closeTo: null,
      });
      const snap = await store.getBundle('tool');
      expect(snap?.owners).toEqual(['alice']);
      expect(snap?.distTags).toEqual({ latest: '1.0.0' });
      expect(snap?.bundle).toMatchObject({
        name: 'tool',
        scope: null,
        description: 'tool does things',
        downloads: 0,
      });
      expect(snap?.versions.map((v) => v.version)).toEqual(['1.0.0']);
      expect(await store.getVersion('tool', '1.0.0')).toMatchObject({
        publishedBy: 'alice',
        yanked: false,
        deprecated: null,
      });
      expect(await store.wasPublished('tool', '1.0.0')).toBe(true);
      expect(await store.findFolded('tool')).toBe('tool');
      expect(
        (await store.search({ match: { terms: ['tool'], every: true }, limit: 10, offset: 0 })).total,
      ).toBe(1);
      expect((await store.listLatest()).map((v) => `${v.name}@${v.version}`)).toEqual(['tool@1.0.0']);
      expect((await store.listAudit({ target: 'tool' }))[0]).toMatchObject({
        action: 'version.publish',
        actor: 'alice',
      });
      await store.close();
    });

    test('a version is never published twice', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      await publish(store, { name: 'tool', version: '1.0.0', user: 'alice' });
      expect(await publish(store, { name: 'tool', version: '1.0.0', user: 'alice' })).toEqual({
        refused: 'VERSION_EXISTS',
      });
      expect(await publish(store, { name: 'tool', version: '1.0.0', user: 'alice', admin: true })).toEqual({
        refused: 'VERSION_EXISTS',
      });
      await store.close();
    });

    test('names equal after folding are refused; only owners (or admins) add versions', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      await addUser(store, 'bob');
      await addUser(store, 'root', true);
      await publish(store, { name: 'deploy-vercel', version: '1.0.0', user: 'alice' });
      expect(await publish(store, { name: 'deployvercel', version: '1.0.0', user: 'bob' })).toEqual({
        refused: 'NAME_CONFUSABLE',
        existing: 'deploy-vercel',
      });
      expect(await publish(store, { name: 'deploy-vercel', version: '1.0.1', user: 'bob' })).toEqual({
        refused: 'NOT_OWNER',
      });
      expect(
        await publish(store, { name: 'deploy-vercel', version: '1.0.1', user: 'root', admin: true }),
      ).toMatchObject({ ok: true, created: false });
      expect((await store.getBundle('deploy-vercel'))?.owners).toEqual(['alice']);
      await store.close();
    });

    test('the first publisher in a scope owns it; scope owners may publish new bundles there', async () => {
      const store = await makeStore();
      for (const u of ['alice', 'bob', 'carol']) await addUser(store, u);
      await publish(store, { name: '@acme/one', version: '1.0.0', user: 'alice' });
      expect(await store.getScopeOwners('acme')).toEqual(['alice']);
      expect(await publish(store, { name: '@acme/two', version: '1.0.0', user: 'bob' })).toEqual({
        refused: 'SCOPE_OWNED',
        scope: 'acme',
      });
      expect(await store.getBundle('@acme/two')).toBeUndefined();
      expect(await store.addScopeOwner({ scope: 'acme', username: 'bob' }, audit('alice'))).toEqual({
        ok: true,
        owners: ['alice', 'bob'],
      });
      expect(await publish(store, { name: '@acme/two', version: '1.0.0', user: 'bob' })).toMatchObject({
        ok: true,
      });
      // A scope owner manages every bundle in the scope, even one they do not own directly.
      expect(await publish(store, { name: '@acme/one', version: '1.1.0', user: 'bob' })).toMatchObject({
        ok: true,
      });
      expect(await publish(store, { name: '@acme/one', version: '1.2.0', user: 'carol' })).toEqual({
        refused: 'NOT_OWNER',
      });
      expect((await store.getBundle('@acme/one'))?.bundle.scope).toBe('acme');
      await store.close();
    });

    test('a new scope that looks like a claimed one, or is reserved, is refused; admins may claim either', async () => {
      const store = await makeStore();
      for (const u of ['alice', 'bob']) await addUser(store, u);
      await addUser(store, 'root', true);
      await publish(store, { name: '@acme/one', version: '1.0.0', user: 'alice' });
      for (const scope of ['a-cme', 'acrne', 'ac-me']) {
        expect(await publish(store, { name: `@${scope}/x`, version: '1.0.0', user: 'bob' })).toEqual({
          refused: 'SCOPE_CONFUSABLE',
          scope,
          existing: 'acme',
        });
        expect(await store.getBundle(`@${scope}/x`)).toBeUndefined();
        expect(await store.getScopeOwners(scope)).toEqual([]);
      }
      for (const scope of ['official', 'admin-team', '0fficial-skills']) {
        expect(await publish(store, { name: `@${scope}/x`, version: '1.0.0', user: 'bob' })).toEqual({
          refused: 'SCOPE_RESERVED',
          scope,
        });
      }
      expect(await publish(store, { name: '@acme-tools/x', version: '1.0.0', user: 'bob' })).toMatchObject({
        ok: true,
      });
      expect(
        await publish(store, { name: '@official/x', version: '1.0.0', user: 'root', admin: true }),
      ).toMatchObject({ ok: true });
      expect(await store.getScopeOwners('official')).toEqual(['root']);
      await store.close();
    });

    test('a claim blocks other claims until committed, released or stale', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      const claim = (nonce: string, at = T0, staleBefore = '2029-12-31T23:55:00.000Z') => ({
        name: 'tool',
        version: '1.0.0',
        actor: { username: 'alice', admin: false },
        nonce,
        at,
        staleBefore,
      });
      expect(await store.reservePublish(claim('a'))).toMatchObject({ ok: true, created: true });
      expect(await store.reservePublish(claim('b'))).toEqual({ refused: 'PUBLISH_IN_PROGRESS' });
      await store.releasePublish({ name: 'tool', version: '1.0.0', nonce: 'b' }); // not b's: no effect
      expect(await store.reservePublish(claim('b'))).toEqual({ refused: 'PUBLISH_IN_PROGRESS' });
      await store.releasePublish({ name: 'tool', version: '1.0.0', nonce: 'a' });
      expect(await store.reservePublish(claim('b'))).toMatchObject({ ok: true });
      // Ten minutes later, b's claim is stale and c takes it over; b's commit then fails.
      const later = '2030-01-01T00:10:00.000Z';
      expect(await store.reservePublish(claim('c', later, '2030-01-01T00:05:00.000Z'))).toMatchObject({
        ok: true,
      });
      const doc = storedVersion('tool', '1.0.0');
      const commit = (nonce: string) =>
        store.commitPublish(
          {
            ...claim(nonce),
            integrity: doc.integrity,
            sha256: 'f'.repeat(64),
            size: 1,
            document: doc,
            tag: 'latest',
            popularDownloads: 1,
          },
          audit('alice'),
        );
      expect(await commit('b')).toEqual({ refused: 'CLAIM_LOST' });
      expect(await store.getBundle('tool')).toBeUndefined();
      expect(await commit('c')).toMatchObject({ ok: true });
      expect(await commit(randomUUID())).toEqual({ refused: 'CLAIM_LOST' });
      await store.close();
    });

    test('a new name one edit from a popular bundle is flagged', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      await publish(store, { name: 'react-helper', version: '1.0.0', user: 'alice' });
      await store.addDownloads(new Map([['react-helper', 2000]]));
      expect(await publish(store, { name: 'react-helpr', version: '1.0.0', user: 'alice' })).toEqual({
        ok: true,
        created: true,
        closeTo: 'react-helper',
      });
      expect((await store.getBundle('react-helpr'))?.bundle.closeTo).toBe('react-helper');
      expect(await publish(store, { name: 'vue-helper', version: '1.0.0', user: 'alice' })).toMatchObject({
        closeTo: null,
      });
      await store.close();
    });
  });
}
