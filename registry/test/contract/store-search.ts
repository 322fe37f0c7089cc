import { describe, expect, test } from 'vitest';
import { addUser, type MakeStore, publish } from './fixtures.ts';

/** Full-text search: matching, ranking, category, pagination. */
export function searchContract(makeStore: MakeStore): void {
  describe('search', () => {
    test('matches names, descriptions, keywords and skills; ranks names first; filters and pages', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      const add = (
        name: string,
        description: string,
        o: { category?: 'deploy' | 'docs'; keywords?: string[] } = {},
      ) =>
        publish(store, {
          name,
          version: '1.0.0',
          user: 'alice',
          doc: { description, ...o, keywords: o.keywords ?? [] },
        });
      await add('deploy-vercel', 'Ship previews to Vercel', { category: 'deploy', keywords: ['hosting'] });
      await add('netlify-helper', 'Deploy sites with Netlify', { category: 'deploy' });
      await add('docs-site', 'Write documentation sites', { category: 'docs', keywords: ['deploy'] });
      await add('unrelated', 'Nothing to see');

      const all = await store.search({ match: { terms: ['deploy'], every: true }, limit: 10, offset: 0 });
      expect(all.total).toBe(3);
      expect(all.hits[0]?.name).toBe('deploy-vercel');
      expect(all.hits.map((h) => h.name).sort()).toEqual(['deploy-vercel', 'docs-site', 'netlify-helper']);
      expect(all.hits[0]).toMatchObject({
        version: '1.0.0',
        category: 'deploy',
        keywords: ['hosting'],
        downloads: 0,
      });

      expect(
        (
          await store.search({
            match: { terms: ['deploy'], every: true },
            category: 'docs',
            limit: 10,
            offset: 0,
          })
        ).hits.map((h) => h.name),
      ).toEqual(['docs-site']);
      const page2 = await store.search({ match: { terms: ['deploy'], every: true }, limit: 2, offset: 2 });
      expect(page2.total).toBe(3);
      expect(page2.hits).toHaveLength(1);
      expect(
        (await store.search({ match: { terms: ['verc'], every: true }, limit: 10, offset: 0 })).hits.map(
          (h) => h.name,
        ),
      ).toEqual(['deploy-vercel']);
      expect(
        (await store.search({ match: { terms: ['zzz'], every: true }, limit: 10, offset: 0 })).total,
      ).toBe(0);
      const both = { terms: ['vercel', 'netlify'], every: true };
      expect((await store.search({ match: both, limit: 10, offset: 0 })).total).toBe(0);
      const either = await store.search({ match: { ...both, every: false }, limit: 10, offset: 0 });
      expect(either.hits.map((h) => h.name).sort()).toEqual(['deploy-vercel', 'netlify-helper']);
      // Terms are words, whatever they hold: nothing is syntax.
      for (const odd of ['and', 'or', 'not', 'near', 'x"y', "o'brien", 'a*', 'name:x', '&|!']) {
        expect(
          (await store.search({ match: { terms: [odd], every: true }, limit: 10, offset: 0 })).total,
        ).toBeGreaterThanOrEqual(0);
      }
      await store.close();
    });

    test('without a query, bundles are listed by downloads; downloads lift equal matches', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      for (const name of ['alpha-tool', 'beta-tool', 'gamma-tool']) {
        await publish(store, { name, version: '1.0.0', user: 'alice', doc: { description: 'a tool' } });
      }
      await store.addDownloads(
        new Map([
          ['beta-tool', 50],
          ['gamma-tool', 10],
        ]),
      );
      const listed = await store.search({ limit: 10, offset: 0 });
      expect(listed.hits.map((h) => h.name)).toEqual(['beta-tool', 'gamma-tool', 'alpha-tool']);
      expect(listed.total).toBe(3);
      const matched = await store.search({ match: { terms: ['tool'], every: true }, limit: 10, offset: 0 });
      expect(matched.hits.map((h) => h.name)).toEqual(['beta-tool', 'gamma-tool', 'alpha-tool']);
      await store.close();
    });
  });
}
