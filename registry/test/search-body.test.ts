import { describe, expect, it } from 'vitest';
import type { SearchHit, SearchPage } from '../src/db/store.ts';
import type { Deps } from '../src/deps.ts';
import { searchBundlesJson } from '../src/services/search-bundles.ts';

const hit = {
  name: 'deploy-vercel',
  version: '1.0.0',
  description: 'Deploys to Vercel.',
  category: 'deploy',
  keywords: ['vercel'],
  downloads: 3,
  score: 1.5,
} as SearchHit;

describe('searchBundlesJson', () => {
  it('turns a page the cache answers again into text once, and a refreshed page again', async () => {
    let built = 0;
    const pageOf = (): SearchPage => ({
      total: 1,
      get hits() {
        built++;
        return [hit];
      },
    });
    let page = pageOf();
    const deps = { store: { search: async () => page } } as unknown as Deps;
    const input = { q: 'vercel', limit: 20, offset: 0 };
    const first = await searchBundlesJson({ deps, input });
    expect(await searchBundlesJson({ deps, input })).toBe(first);
    expect(built).toBe(1);
    expect(JSON.parse(Buffer.from(first).toString('utf8'))).toEqual({ total: 1, results: [{ ...hit }] });
    page = pageOf(); // the cache refreshed the page
    await searchBundlesJson({ deps, input });
    expect(built).toBe(2);
  });
});
