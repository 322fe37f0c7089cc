import { describe, expect, test } from 'vitest';
import type { BundleChange } from '../../src/db/store.ts';
import { addUser, audit, type MakeStore, publish } from './fixtures.ts';

/** The change counter processes poll, and the in-process change notices (document-cache.ts). */
export function changesContract(makeStore: MakeStore): void {
  describe('changes', () => {
    test('every document write and every download count moves the counter and names the bundle', async () => {
      const store = await makeStore();
      const heard: BundleChange[] = [];
      store.onBundleChange((c) => heard.push(c));
      await addUser(store, 'alice');
      await addUser(store, 'bob');
      const start = await store.changesSince(undefined);
      expect(start.bundles).toEqual([]);
      expect(await store.changesSince(start.seq)).toEqual({ seq: start.seq, bundles: [] });

      await publish(store, { name: 'tool', version: '1.0.0', user: 'alice' });
      await publish(store, { name: 'other', version: '1.0.0', user: 'alice' });
      const published = await store.changesSince(start.seq);
      expect(published.seq).toBeGreaterThan(start.seq);
      expect(published.bundles.map((b) => b.name).sort()).toEqual(['other', 'tool']);

      const writes = [
        () => store.setDistTag({ name: 'tool', tag: 'next', version: '1.0.0' }, audit()),
        () => store.removeDistTag({ name: 'tool', tag: 'next' }, audit()),
        () => store.setDeprecated({ name: 'tool', version: '1.0.0', message: 'old' }, audit()),
        () => store.setYanked({ name: 'tool', version: '1.0.0', yanked: true }, audit()),
        () => store.addOwner({ name: 'tool', username: 'bob' }, audit()),
        () => store.removeOwner({ name: 'tool', username: 'bob' }, audit()),
      ];
      let seq = published.seq;
      for (const write of writes) {
        const { revision } = (await store.getBundleHead('tool'))!;
        await write();
        const next = await store.changesSince(seq);
        expect(next.seq).toBeGreaterThan(seq);
        expect(next.bundles).toEqual([{ name: 'tool', revision: revision + 1, downloads: 0 }]);
        seq = next.seq;
      }
      await store.addDownloads(
        new Map([
          ['tool', 2],
          ['missing', 1],
        ]),
      );
      const counted = await store.changesSince(seq);
      expect(counted.bundles).toMatchObject([{ name: 'tool', downloads: 2 }]);
      expect(await store.changesSince(counted.seq)).toEqual({ seq: counted.seq, bundles: [] });

      expect(heard.filter((c) => c.name === 'tool' && c.downloads === undefined).length).toBe(
        1 + writes.length,
      );
      expect(heard.at(-1)).toEqual({ name: 'tool', downloads: 2 });
      await store.close();
    });
  });
}
