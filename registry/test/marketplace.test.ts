import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { catalogName } from '../src/domain/marketplace-catalog.ts';
import { pluginName } from '../src/domain/npm-package.ts';
import { withEnvironment } from '../src/server.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** GET /marketplace.json: the catalogs hosts install plugins from (docs/marketplace.md). */

type Catalog = {
  name: string;
  owner: { name: string; url: string };
  description: string;
  plugins: {
    name: string;
    version: string;
    category?: string;
    tags: string[];
    source: { source: string; package: string; version: string; registry?: string };
  }[];
};

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry({ marketplace: { name: 'acme-skills', owner: 'Acme', size: 2 } });
  token = await r.user('alice');
});
afterEach(() => r.close());

async function catalog(query = ''): Promise<Catalog> {
  const res = await r.call('GET', `/marketplace.json${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Catalog;
}

describe('GET /marketplace.json', () => {
  test('lists the most downloaded bundles (up to the configured size) by plugin name, each from the npm API at ^LATEST', async () => {
    await r.publish(token, 'alpha', bundleTarball('alpha', '1.0.0', { category: 'docs', keywords: ['a'] }));
    await r.publish(token, '@acme/zeta', bundleTarball('@acme/zeta', '0.3.0'));
    await r.publish(token, 'quiet', bundleTarball('quiet', '1.0.0'));
    await r.store.addDownloads(
      new Map([
        ['alpha', 5],
        ['@acme/zeta', 3],
      ]),
    );
    const c = await catalog();
    expect(c.name).toBe('acme-skills');
    expect(c.owner).toEqual({ name: 'Acme', url: 'http://localhost' });
    expect(c.plugins.map((p) => p.name)).toEqual(['acme--zeta', 'alpha']);
    expect(c.plugins[1]).toMatchObject({
      version: '1.0.0',
      category: 'docs',
      tags: ['a'],
      source: { source: 'npm', package: 'alpha', version: '^1.0.0' },
    });
    expect(c.plugins[0]!.source).toEqual({ source: 'npm', package: '@acme/zeta', version: '^0.3.0' });

    // A new version moves the entry's version and range; a download alone changes nothing.
    const before = await r.call('GET', '/marketplace.json');
    const etag = before.headers.get('etag')!;
    await r.store.addDownloads(new Map([['alpha', 1]]));
    expect((await r.call('GET', '/marketplace.json', { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    await r.publish(token, 'alpha', bundleTarball('alpha', '1.1.0', { category: 'docs' }));
    const after = await r.call('GET', '/marketplace.json', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const moved = ((await after.json()) as Catalog).plugins.find((p) => p.name === 'alpha')!;
    expect([moved.version, moved.source.version]).toEqual(['1.1.0', '^1.1.0']);
  });

  test('names the registry in each source only when the public origin is https', async () => {
    const secure = await makeTestRegistry({ publicUrl: 'https://skills.example' });
    const t = await secure.user('alice');
    await secure.publish(t, 'alpha', bundleTarball('alpha', '1.0.0'));
    const res = await secure.call('GET', '/marketplace.json');
    const c = (await res.json()) as Catalog;
    expect(c.plugins[0]!.source.registry).toBe('https://skills.example/npm/');
    await secure.close();
  });

  test('?category=, ?scope= and ?q= give focused catalogs, each with its own name', async () => {
    await r.publish(token, 'alpha', bundleTarball('alpha', '1.0.0', { category: 'docs' }));
    await r.publish(
      token,
      '@acme/zeta',
      bundleTarball('@acme/zeta', '1.0.0', { description: 'Deploys things' }),
    );
    await r.publish(token, '@other/beta', bundleTarball('@other/beta', '1.0.0'));
    const byCategory = await catalog('?category=docs');
    expect([byCategory.name, byCategory.plugins.map((p) => p.name)]).toEqual([
      'acme-skills-category-docs',
      ['alpha'],
    ]);
    const byScope = await catalog('?scope=@acme');
    expect([byScope.name, byScope.plugins.map((p) => p.name)]).toEqual([
      'acme-skills-scope-acme',
      ['acme--zeta'],
    ]);
    const bySearch = await catalog('?q=deploys');
    expect([bySearch.name, bySearch.plugins.map((p) => p.name)]).toEqual([
      'acme-skills-search-deploys',
      ['acme--zeta'],
    ]);
    for (const bad of ['?category=nope', '?scope=@Bad!', '?scope=acme&q=x']) {
      expect((await r.call('GET', `/marketplace.json${bad}`)).status, bad).toBe(400);
    }
  });
});

describe('names', () => {
  test('plugin names drop @ and / one to one; catalog names follow the hosts rule', () => {
    expect(pluginName('@acme/deploy')).toBe('acme--deploy');
    expect(pluginName('deploy')).toBe('deploy');
    for (const name of [
      catalogName('skills', { q: 'Deploy Vercel' }),
      catalogName('skills', { q: 'déployer "x"' }),
      catalogName('skills', { scope: '@acme' }),
    ]) {
      expect(name).toMatch(/^[A-Za-z0-9][-A-Za-z0-9._]*$/);
    }
    expect(catalogName('skills', { q: 'Deploy Vercel' })).toBe('skills-search-deploy-vercel');
  });
});

describe('configuration', () => {
  test('the environment configures the catalogs, flags win, and a bad value stops the server at start', () => {
    const env = {
      SKILLS_MARKETPLACE_NAME: 'team',
      SKILLS_MARKETPLACE_OWNER: 'Team',
      SKILLS_MARKETPLACE_SIZE: '50',
    };
    expect(withEnvironment({ dataDir: '/d' }, env).marketplace).toEqual({
      name: 'team',
      owner: 'Team',
      size: 50,
    });
    expect(withEnvironment({ dataDir: '/d', marketplace: { size: 7 } }, env).marketplace?.size).toBe(7);
    expect(withEnvironment({ dataDir: '/d' }, {}).marketplace).toBeUndefined();
    expect(() => withEnvironment({ dataDir: '/d' }, { SKILLS_MARKETPLACE_SIZE: 'lots' })).toThrow(
      /size must be/,
    );
    expect(() => withEnvironment({ dataDir: '/d' }, { SKILLS_MARKETPLACE_NAME: 'inline' })).toThrow(
      /reserved/,
    );
  });
});
