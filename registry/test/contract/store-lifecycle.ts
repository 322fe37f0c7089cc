import { describe, expect, test } from 'vitest';
import { addUser, audit, latestOf, type MakeStore, publish } from './fixtures.ts';

/** Dist-tags and the `latest` rule, deprecation, yanks, owners, revisions and downloads. */
export function lifecycleContract(makeStore: MakeStore): void {
  const setup = async (versions: string[]) => {
    const store = await makeStore();
    await addUser(store, 'alice');
    await addUser(store, 'bob');
    for (const version of versions) await publish(store, { name: 'tool', version, user: 'alice' });
    return store;
  };

  describe('latest', () => {
    test('follows the highest version that is neither yanked nor a prerelease', async () => {
      const store = await setup(['1.0.0', '2.0.0-rc.1']);
      expect(await latestOf(store, 'tool')).toBe('1.0.0');
      await publish(store, { name: 'tool', version: '1.5.0', user: 'alice' });
      await publish(store, { name: 'tool', version: '1.2.0', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('1.5.0');
      expect(await store.setYanked({ name: 'tool', version: '1.5.0', yanked: true }, audit())).toBe(true);
      expect(await latestOf(store, 'tool')).toBe('1.2.0');
      await store.setYanked({ name: 'tool', version: '1.5.0', yanked: false }, audit());
      expect(await latestOf(store, 'tool')).toBe('1.5.0');
      await store.close();
    });

    test('with only prereleases it is the highest prerelease; with everything yanked it is gone', async () => {
      const store = await setup(['1.0.0-alpha.1', '1.0.0-beta.1']);
      expect(await latestOf(store, 'tool')).toBe('1.0.0-beta.1');
      await store.setYanked({ name: 'tool', version: '1.0.0-beta.1', yanked: true }, audit());
      await store.setYanked({ name: 'tool', version: '1.0.0-alpha.1', yanked: true }, audit());
      expect(await latestOf(store, 'tool')).toBeUndefined();
      expect(await store.listLatest()).toEqual([]);
      expect((await store.search({ limit: 10, offset: 0 })).total).toBe(0);
      await store.close();
    });

    test('a publish moves it by the same rule: over prereleases, after everything was yanked', async () => {
      const store = await setup(['1.0.0-alpha.1']);
      await publish(store, { name: 'tool', version: '0.9.0-rc.1', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('1.0.0-alpha.1');
      await publish(store, { name: 'tool', version: '0.5.0', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('0.5.0');
      await publish(store, { name: 'tool', version: '0.6.0-rc.1', user: 'alice' });
      await publish(store, { name: 'tool', version: '0.4.0', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('0.5.0');
      for (const version of ['1.0.0-alpha.1', '0.9.0-rc.1', '0.5.0', '0.6.0-rc.1', '0.4.0'])
        await store.setYanked({ name: 'tool', version, yanked: true }, audit());
      expect(await latestOf(store, 'tool')).toBeUndefined();
      await publish(store, { name: 'tool', version: '0.1.0-rc.1', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('0.1.0-rc.1');
      await publish(store, {
        name: 'tool',
        version: '0.0.1',
        user: 'alice',
        doc: { description: 'now 0.0.1' },
      });
      expect(await latestOf(store, 'tool')).toBe('0.0.1');
      expect((await store.getBundle('tool'))?.bundle.description).toBe('now 0.0.1');
      await store.close();
    });

    test('set by hand it is pinned until that version is yanked; set to the automatic choice it follows again', async () => {
      const store = await setup(['1.0.0', '2.0.0']);
      expect(await store.setDistTag({ name: 'tool', tag: 'latest', version: '1.0.0' }, audit())).toEqual({
        ok: true,
      });
      await publish(store, { name: 'tool', version: '3.0.0', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('1.0.0');
      await store.setYanked({ name: 'tool', version: '1.0.0', yanked: true }, audit());
      expect(await latestOf(store, 'tool')).toBe('3.0.0');
      await store.setDistTag({ name: 'tool', tag: 'latest', version: '2.0.0' }, audit());
      await store.setDistTag({ name: 'tool', tag: 'latest', version: '3.0.0' }, audit());
      await publish(store, { name: 'tool', version: '4.0.0', user: 'alice' });
      expect(await latestOf(store, 'tool')).toBe('4.0.0');
      await store.close();
    });

    test('a publish with another tag sets that tag too', async () => {
      const store = await setup(['1.0.0']);
      await publish(store, { name: 'tool', version: '2.0.0-beta.1', user: 'alice', tag: 'beta' });
      expect((await store.getBundle('tool'))?.distTags).toEqual({ latest: '1.0.0', beta: '2.0.0-beta.1' });
      await store.close();
    });
  });

  describe('dist-tags', () => {
    test('point at existing, unyanked versions; latest cannot be removed', async () => {
      const store = await setup(['1.0.0', '1.1.0']);
      expect(await store.setDistTag({ name: 'tool', tag: 'stable', version: '9.9.9' }, audit())).toEqual({
        refused: 'NOT_FOUND',
      });
      await store.setYanked({ name: 'tool', version: '1.1.0', yanked: true }, audit());
      expect(await store.setDistTag({ name: 'tool', tag: 'stable', version: '1.1.0' }, audit())).toEqual({
        refused: 'YANKED',
      });
      expect(await store.setDistTag({ name: 'tool', tag: 'stable', version: '1.0.0' }, audit())).toEqual({
        ok: true,
      });
      expect(await store.removeDistTag({ name: 'tool', tag: 'latest' }, audit())).toEqual({
        refused: 'LATEST',
      });
      expect(await store.removeDistTag({ name: 'tool', tag: 'nope' }, audit())).toEqual({
        refused: 'NOT_FOUND',
      });
      expect(await store.removeDistTag({ name: 'tool', tag: 'stable' }, audit())).toEqual({ ok: true });
      expect((await store.getBundle('tool'))?.distTags).toEqual({ latest: '1.0.0' });
      await store.close();
    });
  });

  describe('versions', () => {
    test('deprecation sets and clears a message; unknown versions are reported', async () => {
      const store = await setup(['1.0.0']);
      expect(await store.setDeprecated({ name: 'tool', version: '1.0.0', message: 'use 2' }, audit())).toBe(
        true,
      );
      expect((await store.getVersion('tool', '1.0.0'))?.deprecated).toBe('use 2');
      expect(await store.setDeprecated({ name: 'tool', version: '1.0.0', message: null }, audit())).toBe(
        true,
      );
      expect((await store.getVersion('tool', '1.0.0'))?.deprecated).toBeNull();
      expect(await store.setDeprecated({ name: 'tool', version: '7.0.0', message: 'x' }, audit())).toBe(
        false,
      );
      expect(await store.setYanked({ name: 'tool', version: '7.0.0', yanked: true }, audit())).toBe(false);
      await store.close();
    });

    test('every change bumps the revision; downloads add up without bumping it', async () => {
      const store = await setup(['1.0.0']);
      const rev = async () => (await store.getBundleHead('tool'))!.revision;
      const seen = [await rev()];
      await publish(store, { name: 'tool', version: '1.0.1', user: 'alice' });
      seen.push(await rev());
      await store.setDistTag({ name: 'tool', tag: 'next', version: '1.0.1' }, audit());
      seen.push(await rev());
      await store.setDeprecated({ name: 'tool', version: '1.0.0', message: 'old' }, audit());
      seen.push(await rev());
      await store.addOwner({ name: 'tool', username: 'bob' }, audit());
      seen.push(await rev());
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
      await store.addDownloads(
        new Map([
          ['tool', 3],
          ['missing', 5],
        ]),
      );
      await store.addDownloads(new Map([['tool', 2]]));
      expect(await store.getBundleHead('tool')).toEqual({ revision: seen.at(-1), downloads: 5 });
      expect(await store.getBundleHead('missing')).toBeUndefined();
      await store.close();
    });
  });

  describe('owners', () => {
    test('are added and removed, never down to none, only existing users', async () => {
      const store = await setup(['1.0.0']);
      expect(await store.listOwners('tool')).toEqual(['alice']);
      expect(await store.listOwners('missing')).toEqual([]);
      expect(await store.addOwner({ name: 'tool', username: 'ghost' }, audit())).toEqual({
        refused: 'NO_USER',
      });
      expect(await store.addOwner({ name: 'nothing', username: 'bob' }, audit())).toEqual({
        refused: 'NOT_FOUND',
      });
      expect(await store.addOwner({ name: 'tool', username: 'bob' }, audit())).toEqual({
        ok: true,
        owners: ['alice', 'bob'],
      });
      expect(await store.addOwner({ name: 'tool', username: 'bob' }, audit())).toEqual({
        ok: true,
        owners: ['alice', 'bob'],
      });
      expect(await store.removeOwner({ name: 'tool', username: 'alice' }, audit())).toEqual({
        ok: true,
        owners: ['bob'],
      });
      expect(await store.removeOwner({ name: 'tool', username: 'bob' }, audit())).toEqual({
        refused: 'LAST_OWNER',
      });
      expect(await store.removeOwner({ name: 'tool', username: 'carol' }, audit())).toEqual({
        refused: 'NO_USER',
      });
      expect(await store.listBundlesByOwner('bob')).toHaveLength(1);
      expect(await store.listBundlesByOwner('alice')).toHaveLength(0);
      await store.close();
    });

    test('scope owners likewise', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      await addUser(store, 'bob');
      expect(await store.removeScopeOwner({ scope: 'acme', username: 'alice' }, audit())).toEqual({
        refused: 'NOT_FOUND',
      });
      await publish(store, { name: '@acme/x', version: '1.0.0', user: 'alice' });
      expect(await store.addScopeOwner({ scope: 'acme', username: 'nobody' }, audit())).toEqual({
        refused: 'NO_USER',
      });
      expect(await store.removeScopeOwner({ scope: 'acme', username: 'alice' }, audit())).toEqual({
        refused: 'LAST_OWNER',
      });
      await store.addScopeOwner({ scope: 'acme', username: 'bob' }, audit());
      expect(await store.removeScopeOwner({ scope: 'acme', username: 'alice' }, audit())).toEqual({
        ok: true,
        owners: ['bob'],
      });
      await store.close();
    });
  });
}
