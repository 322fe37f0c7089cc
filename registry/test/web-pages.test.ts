import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createWebRoutes } from '../src/web/index.ts';
import { createWebWorld, getPage, type WebWorld } from './web-world.ts';

let world: WebWorld;
beforeEach(async () => {
  world = await createWebWorld();
});
afterEach(async () => {
  await world.close();
});

const audit = { actor: 'alice', at: '2025-04-01T00:00:00.000Z', ip: null, requestId: null };

describe('home page', () => {
  it('shows popular and recent bundles and the categories', async () => {
    await world.publish({
      name: 'deploy-vercel',
      version: '1.0.0',
      category: 'deploy',
      description: 'Ship to Vercel.',
    });
    await world.publish({
      name: 'docs-site',
      version: '0.2.0',
      category: 'docs',
      description: 'Write docs.',
    });
    await world.store.addDownloads(new Map([['deploy-vercel', 42]]));
    const { status, headers, body } = await getPage(world.app, '/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(body).toMatch(/^<!doctype html>/);
    expect(body).toContain('<h2 id="popular">Popular</h2>');
    expect(body).toContain('<h2 id="recent">Recently published</h2>');
    expect(body).toContain('href="/bundles/deploy-vercel"');
    expect(body).toContain('42 downloads');
    // most downloaded first under Popular, most recent first under Recently published
    const popular = body.slice(body.indexOf('id="popular"'), body.indexOf('id="recent"'));
    expect(popular.indexOf('deploy-vercel')).toBeLessThan(popular.indexOf('docs-site'));
    const recent = body.slice(body.indexOf('id="recent"'), body.indexOf('id="categories"'));
    expect(recent.indexOf('docs-site')).toBeLessThan(recent.indexOf('deploy-vercel'));
    expect(body).toContain('href="/categories/deploy">deploy <span class="muted">(1)</span>');
    expect(body).toContain('<main id="main"');
    expect(body).toContain('<label class="visually-hidden" for="site-q">');
  });

  it('renders on an empty registry', async () => {
    const { status, body } = await getPage(world.app, '/');
    expect(status).toBe(200);
    expect(body).toContain('Nothing has been published yet.');
  });
});

describe('search page', () => {
  it('finds bundles by text and keeps the query in the form', async () => {
    await world.publish({ name: 'deploy-vercel', version: '1.0.0', description: 'Ship sites to Vercel.' });
    await world.publish({ name: 'design-to-ui', version: '1.0.0', description: 'Turn designs into UI.' });
    const { status, body } = await getPage(world.app, '/search?q=vercel');
    expect(status).toBe(200);
    expect(body).toContain('Results for “vercel”');
    expect(body).toContain('href="/bundles/deploy-vercel"');
    expect(body).not.toContain('href="/bundles/design-to-ui"');
    expect(body).toContain('1 bundle found.');
    expect(body).toContain('value="vercel"');
  });

  it('filters by category and ignores an unknown one', async () => {
    await world.publish({ name: 'a-deploy', version: '1.0.0', category: 'deploy' });
    await world.publish({ name: 'b-docs', version: '1.0.0', category: 'docs' });
    const filtered = await getPage(world.app, '/search?category=docs');
    expect(filtered.body).toContain('href="/bundles/b-docs"');
    expect(filtered.body).not.toContain('href="/bundles/a-deploy"');
    expect(filtered.body).toContain('<option value="docs" selected>docs</option>');
    const unknown = await getPage(world.app, '/search?category=nope');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toContain('href="/bundles/a-deploy"');
    expect(unknown.body).toContain('href="/bundles/b-docs"');
  });

  it('pages through many results', async () => {
    for (let i = 0; i < 23; i++)
      await world.publish({ name: `tool-${String(i).padStart(2, '0')}`, version: '1.0.0' });
    const first = await getPage(world.app, '/search?q=tool');
    expect(first.body).toContain('23 bundles found.');
    expect(first.body).toContain('Page 1 of 2');
    expect(first.body).toContain('href="/search?q=tool&amp;page=2"');
    expect(first.body.match(/class="card"/g)).toHaveLength(20);
    const second = await getPage(world.app, '/search?q=tool&page=2');
    expect(second.body.match(/class="card"/g)).toHaveLength(3);
    expect(second.body).toContain('rel="prev"');
    const beyond = await getPage(world.app, '/search?q=tool&page=99');
    expect(beyond.status).toBe(200);
    const junk = await getPage(world.app, '/search?page=-1x');
    expect(junk.status).toBe(200);
  });

  it('treats search syntax as plain text', async () => {
    for (const q of ['"', 'AND OR NEAR(', '*', 'a:b ^c', '\u202E', 'x'.repeat(5000)]) {
      const { status } = await getPage(world.app, `/search?q=${encodeURIComponent(q)}`);
      expect(status).toBe(200);
    }
  });
});

describe('bundle page', () => {
  it('shows everything about the latest version', async () => {
    await world.publish({ name: 'deploy-vercel', version: '1.0.0', at: '2025-01-02T00:00:00.000Z' });
    await world.publish({
      name: 'deploy-vercel',
      version: '1.1.0',
      at: '2025-02-03T00:00:00.000Z',
      description: 'Deploy to Vercel.',
      category: 'deploy',
      keywords: ['vercel', 'hosting'],
      license: 'MIT',
      homepage: 'https://example.com/deploy',
      repository: 'https://github.com/acme/deploy',
      dependencies: { 'docs-site': '^1.0.0' },
      skills: [
        {
          name: 'deploy',
          description: 'Deploys the app.',
          body: '# Deploying\n\nRun **the** command.\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |',
        },
        { name: 'rollback', description: 'Rolls back.', body: '# Rolling back' },
      ],
    });
    await world.addUser('bob');
    await world.store.addOwner({ name: 'deploy-vercel', username: 'bob' }, audit);
    await world.store.addDownloads(new Map([['deploy-vercel', 1234]]));
    await world.store.setDistTag({ name: 'deploy-vercel', tag: 'stable', version: '1.0.0' }, audit);

    const { status, body } = await getPage(world.app, '/bundles/deploy-vercel');
    expect(status).toBe(200);
    expect(body).toContain('<h1>deploy-vercel</h1>');
    expect(body).toContain('1.1.0 · latest');
    expect(body).toContain('<p class="lead">Deploy to Vercel.</p>');
    expect(body).toContain('<code>skills install deploy-vercel</code>');
    expect(body).toContain('<dt>License</dt><dd>MIT</dd>');
    expect(body).toContain('<dd>1,234</dd>');
    expect(body).toContain(
      'href="https://example.com/deploy" rel="nofollow noopener noreferrer">Homepage</a>',
    );
    expect(body).toContain(
      'href="https://github.com/acme/deploy" rel="nofollow noopener noreferrer">Repository</a>',
    );
    expect(body).toContain('<a href="/~alice">alice</a>');
    expect(body).toContain('<a href="/~bob">bob</a>');
    expect(body).toContain('<a href="/bundles/docs-site">docs-site</a> <code>^1.0.0</code>');
    expect(body).toContain('<code>stable</code>: <a href="/bundles/deploy-vercel?version=1.0.0">1.0.0</a>');
    expect(body).toContain('<time datetime="2025-01-02T00:00:00.000Z">2025-01-02</time>');
    expect(body).toContain('<time datetime="2025-02-03T00:00:00.000Z">2025-02-03</time>');
    expect(body).toContain('<li class="tag">vercel</li>');
    expect(body).toContain('<a href="/categories/deploy">deploy</a>');
    // skills and the first one's SKILL.md, headings moved under the page's h2
    expect(body).toContain('<strong>deploy</strong></a>\n  <span>Deploys the app.</span>');
    expect(body).toContain('<strong>rollback</strong>');
    expect(body).toContain('SKILL.md of <code>deploy</code>');
    expect(body).toContain('<h3>Deploying</h3>');
    expect(body).toContain('<strong>the</strong>');
    expect(body).toContain('<th class="align-right">a</th>');
    expect(body).not.toContain('style=');
  });

  it('shows another skill, another version, and 404s for unknown ones', async () => {
    await world.publish({
      name: 'kit',
      version: '1.0.0',
      skills: [{ name: 'one', description: 'One.', body: 'first v1' }],
    });
    await world.publish({
      name: 'kit',
      version: '2.0.0',
      skills: [
        { name: 'one', description: 'One.', body: 'first v2' },
        { name: 'two', description: 'Two.', body: 'second v2' },
      ],
    });
    const two = await getPage(world.app, '/bundles/kit?skill=two');
    expect(two.body).toContain('<p>second v2</p>');
    const old = await getPage(world.app, '/bundles/kit?version=1.0.0');
    expect(old.status).toBe(200);
    expect(old.body).toContain('<p>first v1</p>');
    expect(old.body).toContain('<code>skills install kit@1.0.0</code>');
    expect(old.body).toContain('The latest version is\n<a href="/bundles/kit">2.0.0</a>');
    expect((await getPage(world.app, '/bundles/kit?version=9.9.9')).status).toBe(404);
    expect((await getPage(world.app, '/bundles/kit?skill=nope')).status).toBe(404);
  });

  it('works for scoped names, in both spellings', async () => {
    await world.publish({ name: '@acme/deploy', version: '1.0.0', description: 'Scoped.' });
    for (const path of ['/bundles/@acme/deploy', '/bundles/%40acme%2Fdeploy']) {
      const { status, body } = await getPage(world.app, path);
      expect(status).toBe(200);
      expect(body).toContain('<h1>@acme/deploy</h1>');
      expect(body).toContain('skills install @acme/deploy');
    }
  });

  it('shows how to install it from each host: skills, Claude Code, Codex and npx skills', async () => {
    await world.publish({ name: '@acme/deploy', version: '1.0.0', description: 'Scoped.' });
    await world.publish({ name: '@acme/deploy', version: '1.1.0', description: 'Scoped.' });
    const { body } = await getPage(world.app, '/bundles/@acme/deploy');
    const install = body.slice(body.indexOf('id="install"'), body.indexOf('id="capabilities"'));
    for (const block of [
      'skills install @acme/deploy',
      'claude plugin marketplace add http://127.0.0.1/marketplace.json\nclaude plugin install acme--deploy@skills-registry',
      'codex plugin marketplace add http://127.0.0.1/marketplace.git\ncodex plugin add acme--deploy@skills-registry',
      'npx skills add http://127.0.0.1/bundles/@acme/deploy',
    ]) {
      expect(install).toContain(`<pre><code>${block}</code></pre>`);
    }
    expect(install).not.toContain('install the latest version');
    const old = await getPage(world.app, '/bundles/@acme/deploy?version=1.0.0');
    expect(old.body).toContain('<pre><code>skills install @acme/deploy@1.0.0</code></pre>');
    expect(old.body).toContain('install the latest version');
    expect(old.body).not.toContain('<script');
    // The origin is --public-url when the registry has one, and the marketplace name is the catalog's.
    const routes = createWebRoutes({
      store: world.store,
      blobs: world.blobs,
      publicUrl: 'https://skills.example',
      marketplace: 'acme-skills',
    });
    const page = await getPage(routes, '/bundles/@acme/deploy');
    expect(page.body).toContain('claude plugin marketplace add https://skills.example/marketplace.json');
    expect(page.body).toContain('codex plugin add acme--deploy@acme-skills');
    const app = createApp({
      store: world.store,
      blobs: world.blobs,
      signer: createEphemeralSigner(),
      marketplace: { name: 'team-skills' },
    });
    expect(await (await app.request('/bundles/@acme/deploy')).text()).toContain(
      'claude plugin install acme--deploy@team-skills',
    );
    const home = await getPage(routes, '/');
    for (const line of [
      'claude plugin marketplace add https://skills.example/marketplace.json',
      'codex plugin marketplace add https://skills.example/marketplace.git',
      'npx skills add https://skills.example',
    ]) {
      expect(home.body).toContain(`<pre><code>${line}</code></pre>`);
    }
  });

  it('shows deprecation and yank notices', async () => {
    await world.publish({ name: 'old', version: '1.0.0' });
    await world.publish({ name: 'old', version: '1.1.0' });
    await world.store.setDeprecated(
      { name: 'old', version: '1.1.0', message: 'Use new-thing instead.' },
      audit,
    );
    await world.store.setYanked({ name: 'old', version: '1.0.0', yanked: true }, audit);
    const latest = await getPage(world.app, '/bundles/old');
    expect(latest.body).toContain('This version is deprecated</h2><p>Use new-thing instead.</p>');
    expect(latest.body).toContain('<span class="badge badge-danger">yanked</span>');
    const yanked = await getPage(world.app, '/bundles/old?version=1.0.0');
    expect(yanked.body).toContain('This version was yanked');
  });

  it('shows the highest version when every version is yanked', async () => {
    await world.publish({ name: 'gone', version: '1.0.0' });
    await world.publish({ name: 'gone', version: '1.2.0' });
    await world.store.setYanked({ name: 'gone', version: '1.0.0', yanked: true }, audit);
    await world.store.setYanked({ name: 'gone', version: '1.2.0', yanked: true }, audit);
    const { status, body } = await getPage(world.app, '/bundles/gone');
    expect(status).toBe(200);
    expect(body).toContain('<span class="version">1.2.0</span>');
    expect(body).toContain('This version was yanked');
  });

  it('still renders when the tarball cannot be read', async () => {
    const doc = await world.publish({ name: 'lost', version: '1.0.0' });
    const version = await world.store.getVersion('lost', doc.version);
    await world.blobs.delete(version!.sha256);
    const { status, body } = await getPage(world.app, '/bundles/lost');
    expect(status).toBe(200);
    expect(body).toContain('The SKILL.md of this skill cannot be shown right now.');
  });

  it('404s with an HTML page for unknown and invalid names', async () => {
    for (const path of [
      '/bundles/nope',
      '/bundles/Bad_Name',
      '/bundles/a/b/c',
      '/bundles/@acme',
      '/bundles/x%00y',
      '/bundles/deploy/',
    ]) {
      const { status, headers, body } = await getPage(world.app, path);
      expect(status, path).toBe(404);
      expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(body).toContain('<h1>Not found</h1>');
    }
  });
});

describe('category page', () => {
  it('lists the bundles of a category by downloads', async () => {
    await world.publish({ name: 'docs-a', version: '1.0.0', category: 'docs' });
    await world.publish({ name: 'docs-b', version: '1.0.0', category: 'docs' });
    await world.publish({ name: 'other', version: '1.0.0', category: 'deploy' });
    await world.store.addDownloads(new Map([['docs-b', 5]]));
    const { status, body } = await getPage(world.app, '/categories/docs');
    expect(status).toBe(200);
    expect(body).toContain('<h1>Category: docs</h1>');
    expect(body).toContain('aria-current="page">docs</a>');
    expect(body.indexOf('/bundles/docs-b')).toBeLessThan(body.indexOf('/bundles/docs-a'));
    expect(body).not.toContain('/bundles/other"');
  });

  it('404s for an unknown category', async () => {
    const { status, body } = await getPage(world.app, '/categories/nope');
    expect(status).toBe(404);
    expect(body).toContain('There is no such category here.');
  });
});

describe('user page', () => {
  it('lists the bundles a user owns', async () => {
    await world.publish({ name: 'mine', version: '1.0.0', by: 'carol', description: 'Carol’s bundle.' });
    await world.publish({ name: 'theirs', version: '1.0.0', by: 'dave' });
    const { status, body } = await getPage(world.app, '/~carol');
    expect(status).toBe(200);
    expect(body).toContain('<h1>~carol</h1>');
    expect(body).toContain('Bundles (1)');
    expect(body).toContain('href="/bundles/mine"');
    expect(body).not.toContain('href="/bundles/theirs"');
    expect(body).not.toContain('carol@example.com');
  });

  it('shows a user with no bundles, and 404s for an unknown user', async () => {
    await world.addUser('erin');
    expect((await getPage(world.app, '/~erin')).body).toContain('erin owns no bundles yet.');
    const missing = await getPage(world.app, '/~nobody');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('There is no such user here.');
  });
});

describe('stylesheet', () => {
  it('is served with a long cache and answers 304 to its ETag', async () => {
    const home = await getPage(world.app, '/');
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(home.body)?.[1];
    expect(href).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{12}$/);
    const css = await world.app.request(href!);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await css.text()).toContain('font-family: system-ui');
    const again = await world.app.request(href!, { headers: { 'If-None-Match': css.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('mounted in the registry app', () => {
  it('serves the pages at / beside the API', async () => {
    await world.publish({ name: '@acme/deploy', version: '1.0.0' });
    const app = createApp({ store: world.store, blobs: world.blobs, signer: createEphemeralSigner() });
    app.route(
      '/',
      createWebRoutes({ store: world.store, blobs: world.blobs, publicUrl: 'http://127.0.0.1' }),
    );
    const page = await app.request('/bundles/@acme/deploy');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const api = await app.request('/v1/bundles/@acme/deploy');
    expect(api.status).toBe(200);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await app.request('/v1/nothing')).status).toBe(404);
  });
});
