import { Hono } from 'hono';
import type { LogEntry } from '../deps.ts';
import { DEFAULT_MARKETPLACE } from '../domain/marketplace-catalog.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { PageContext, WebStore } from './context.ts';
import { bundlePage } from './pages/bundle.ts';
import { categoryPage } from './pages/category.ts';
import { homePage } from './pages/home.ts';
import { errorPage, notFoundPage } from './pages/not-found.ts';
import { searchPage } from './pages/search.ts';
import { userPage } from './pages/user.ts';
import { SECURITY_HEADERS, sendPage } from './respond.ts';
import { SITE_CSS, SITE_CSS_HASH, SITE_CSS_PATH } from './site-css.ts';
import { createSkillDocs } from './skill-docs.ts';

export type { WebStore } from './context.ts';
export { CONTENT_SECURITY_POLICY } from './respond.ts';

export interface WebDeps {
  store: WebStore;
  /** Where the tarballs are, to render each version's SKILL.md. */
  blobs: BlobStore;
  log?: (entry: LogEntry) => void;
  /** How many rendered SKILL.md bodies to keep; default 256. */
  skillDocCacheSize?: number;
  /** The origin install commands name: the configured public URL, else the listening address; never a request header. */
  publicUrl: string | (() => string);
  /** The marketplace catalog's name, as hosts know it (`PLUGIN@NAME`); default `DEFAULT_MARKETPLACE.name`. */
  marketplace?: string;
}

/**
 * The marketplace pages (docs/registry.md): `/`, `/search`, `/bundles/NAME`, `/categories/C`,
 * `/~USER`, and their stylesheet at `/assets/site.css`. A sub-app to mount at `/`:
 *   app.route('/', createWebRoutes({ store, blobs, log }))
 * Every response carries the strict CSP and friends; unknown or invalid names are a 404 page.
 */
export function createWebRoutes(deps: WebDeps): Hono {
  const log = deps.log ?? (() => {});
  const shared = {
    store: deps.store,
    skillDocs: createSkillDocs({
      blobs: deps.blobs,
      ...(deps.skillDocCacheSize === undefined ? {} : { maxEntries: deps.skillDocCacheSize }),
      onError: (error, v) =>
        log({
          level: 'warn',
          msg: 'cannot read a tarball for its SKILL.md',
          bundle: `${v.name}@${v.version}`,
          error: String(error),
        }),
    }),
  };
  const web = new Hono();
  const pageContext = (): PageContext => ({
    ...shared,
    hosts: {
      origin: typeof deps.publicUrl === 'string' ? deps.publicUrl : deps.publicUrl(),
      marketplace: deps.marketplace ?? DEFAULT_MARKETPLACE.name,
    },
  });

  web.get(SITE_CSS_PATH, (c) => {
    const etag = `"${SITE_CSS_HASH}"`;
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: etag,
    };
    if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response(SITE_CSS, { headers });
  });

  web.get('/', async () => sendPage(await homePage(pageContext())));

  web.get('/search', async (c) =>
    sendPage(
      await searchPage(pageContext(), {
        q: c.req.query('q'),
        category: c.req.query('category'),
        page: c.req.query('page'),
      }),
    ),
  );

  web.get('/bundles', (c) => c.redirect('/search'));
  web.get('/bundles/:name{.+}', async (c) => {
    const page = await bundlePage(pageContext(), {
      name: c.req.param('name'),
      version: c.req.query('version'),
      skill: c.req.query('skill'),
    });
    return page ? sendPage(page) : sendPage(notFoundPage('bundle'), 404);
  });

  web.get('/categories', (c) => c.redirect('/#categories'));
  web.get('/categories/:category', async (c) => {
    const page = await categoryPage(pageContext(), {
      category: c.req.param('category'),
      page: c.req.query('page'),
    });
    return page ? sendPage(page) : sendPage(notFoundPage('category'), 404);
  });

  web.get('/:user{~[^/]+}', async (c) => {
    const page = await userPage(pageContext(), c.req.param('user').slice(1));
    return page ? sendPage(page) : sendPage(notFoundPage('user'), 404);
  });

  web.onError((error, c) => {
    log({ level: 'error', msg: 'web page failed', path: c.req.path, error: String(error) });
    return sendPage(errorPage(), 500);
  });
  return web;
}
