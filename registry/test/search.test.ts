import { searchResponseSchema } from '@skills/schemas';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ftsExpression } from '../src/db/sqlite/search.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { toMatchExpressions } from '../src/domain/search-query.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
beforeAll(async () => {
  r = await makeTestRegistry();
  const token = await r.user('alice');
  const add = (name: string, description: string, category: string, keywords: string[] = []) =>
    r.publish(token, name, bundleTarball(name, '1.0.0', { description, category, keywords }));
  await add('deploy-vercel', 'Deploy previews and production builds to Vercel', 'deploy', [
    'vercel',
    'hosting',
  ]);
  await add('deploy-fly', 'Ship containers to Fly.io', 'deploy', ['containers']);
  await add('docs-site', 'Build a documentation site; can deploy it to GitHub Pages', 'docs', ['markdown']);
  await add('design-to-ui', 'Turn a design into accessible components', 'design', ['figma']);
  for (let i = 0; i < 12; i++) await add(`widget-${i}`, `Widget number ${i}`, 'other', ['widget']);
  await r.store.addDownloads(
    new Map([
      ['deploy-fly', 500],
      ['widget-3', 1000],
    ]),
  );
});
afterAll(() => r.close());

const search = async (query: string) => {
  const res = await r.call('GET', `/v1/search${query}`);
  expect(res.status, query).toBe(200);
  return searchResponseSchema.parse(await res.json());
};

describe('search', () => {
  test('a name match outranks a description match', async () => {
    const { total, results } = await search('?q=deploy');
    expect(total).toBe(3);
    expect(
      results
        .map((x) => x.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['deploy-fly', 'deploy-vercel']);
    expect(results[2]?.name).toBe('docs-site');
    expect(results[0]!.score).toBeGreaterThanOrEqual(results[2]!.score);
  });

  test('the last term is a prefix; keywords and descriptions match', async () => {
    expect((await search('?q=verc')).results.map((x) => x.name)).toEqual(['deploy-vercel']);
    expect((await search('?q=figma')).results.map((x) => x.name)).toEqual(['design-to-ui']);
    expect((await search('?q=accessible%20comp')).results.map((x) => x.name)).toEqual(['design-to-ui']);
  });

  test('when every term together finds nothing, any term may match', async () => {
    expect((await search('?q=vercel%20figma')).results.map((x) => x.name).sort()).toEqual([
      'deploy-vercel',
      'design-to-ui',
    ]);
  });

  test('category filters; an unknown category is 400', async () => {
    expect((await search('?q=deploy&category=docs')).results.map((x) => x.name)).toEqual(['docs-site']);
    expect((await search('?category=design')).results.map((x) => x.name)).toEqual(['design-to-ui']);
    expect((await r.call('GET', '/v1/search?category=weapons')).status).toBe(400);
  });

  test('pagination with total; an empty query lists by downloads', async () => {
    const first = await search('?q=widget&limit=5');
    const second = await search('?q=widget&limit=5&offset=5');
    const third = await search('?q=widget&limit=5&offset=10');
    expect(first.total).toBe(12);
    expect([...first.results, ...second.results, ...third.results].map((x) => x.name).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `widget-${i}`).sort(),
    );
    expect(first.results[0]?.name).toBe('widget-3');
    const all = await search('');
    expect(all.total).toBe(16);
    expect(all.results.slice(0, 2).map((x) => x.name)).toEqual(['widget-3', 'deploy-fly']);
    expect((await search('?offset=100')).results).toEqual([]);
    for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'offset=1e3']) {
      expect((await r.call('GET', `/v1/search?${bad}`)).status, bad).toBe(400);
    }
  });

  test('FTS5 syntax in the query is plain text, never an error', async () => {
    for (const q of [
      '"',
      '""',
      '*',
      'deploy*',
      'AND',
      'deploy AND',
      'OR OR',
      'NOT deploy',
      'NEAR(deploy vercel)',
      'name:deploy',
      '^deploy',
      '-deploy',
      '(deploy',
      'deploy)',
      "'",
      '\\',
      '\u0000',
      '🚀',
      'a'.repeat(300),
      '%',
      '+',
      '{name description}: x',
    ]) {
      const res = await r.call('GET', `/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.status, JSON.stringify(q)).toBe(200);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), async (q) => {
        const res = await r.call('GET', `/v1/search?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
      }),
      { numRuns: 200 },
    );
  });

  test('toMatchExpressions keeps only words; ftsExpression quotes each', () => {
    const m = toMatchExpressions('Deploy, "verc"* AND');
    expect(m?.all).toEqual({ terms: ['deploy', 'verc', 'and'], every: true });
    expect(ftsExpression(m!.all)).toBe('"deploy" "verc" "and"*');
    expect(ftsExpression(m!.any)).toBe('"deploy" OR "verc" OR "and"*');
    expect(ftsExpression({ terms: ['x"y'], every: true })).toBe('"x""y"*');
    expect(toMatchExpressions('  "*" ')).toBeUndefined();
    expect(toMatchExpressions('Crème Brûlée')?.all.terms).toEqual(['crème', 'brûlée']);
  });
});

describe('search follows the latest version and downloads', () => {
  test('a new latest moves the category; yanking every version drops the bundle; downloads re-rank', async () => {
    const s = await makeTestRegistry();
    try {
      const token = await s.user('bob');
      const add = (name: string, version: string, category: string) =>
        s.publish(
          token,
          name,
          bundleTarball(name, version, { description: 'a tool', category, keywords: [] }),
        );
      await add('tool-a', '1.0.0', 'deploy');
      await add('tool-b', '1.0.0', 'deploy');
      const names = async (query: string) => {
        const res = await s.call('GET', `/v1/search${query}`);
        return (searchResponseSchema.parse(await res.json()).results ?? []).map((x) => x.name);
      };
      expect(await names('?category=deploy')).toEqual(['tool-a', 'tool-b']);
      await add('tool-a', '1.1.0', 'docs');
      expect(await names('?category=deploy')).toEqual(['tool-b']);
      expect(await names('?q=tool&category=docs')).toEqual(['tool-a']);
      await s.store.addDownloads(new Map([['tool-b', 7]]));
      expect(await names('')).toEqual(['tool-b', 'tool-a']);
      expect(await names('?q=tool')).toEqual(['tool-b', 'tool-a']);
      for (const v of ['1.0.0', '1.1.0']) {
        expect((await s.call('POST', `/v1/bundles/tool-a/${v}/yank`, { token })).status).toBe(200);
      }
      expect(await names('')).toEqual(['tool-b']);
      expect(await names('?q=tool')).toEqual(['tool-b']);
    } finally {
      await s.close();
    }
  });

  test('migration 0002 backfills search_rank from an existing database', async () => {
    const s = await makeTestRegistry();
    try {
      const token = await s.user('bob');
      await s.publish(
        token,
        'old-one',
        bundleTarball('old-one', '1.0.0', { description: 'x', category: 'docs' }),
      );
      await s.store.addDownloads(new Map([['old-one', 3]]));
      const raw = new Database(s.dbPath);
      raw.exec(`DROP TRIGGER bundles_downloads_to_search_rank; DROP TABLE search_rank;
        DELETE FROM migrations WHERE id = '0002_search_rank';`);
      raw.close();
      const again = createSqliteStore({ path: s.dbPath });
      const page = await again.search({ category: 'docs', limit: 10, offset: 0 });
      expect(page.hits.map((h) => [h.name, h.downloads])).toEqual([['old-one', 3]]);
      expect(page.total).toBe(1);
      await again.close();
    } finally {
      await s.close();
    }
  });
});
