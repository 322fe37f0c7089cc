import { CATEGORIES } from '@skills/schemas';
import type { Context, Hono } from 'hono';
import type { CatalogFilter } from '../domain/marketplace-catalog.ts';
import { RegistryError } from '../errors.ts';
import { publicOrigin } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { matchesEtag } from '../http/etag.ts';
import { getMarketplace } from '../services/get-marketplace.ts';
import { getMarketplaceRepo } from '../services/get-marketplace-repo.ts';

const SCOPE = /^@?[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The marketplace catalogs (docs/marketplace.md): `GET /marketplace.json` for hosts that read a
 * catalog by URL (Claude Code), and the same default catalog as a read-only git repository over
 * git's dumb HTTP protocol at `/marketplace.git` for hosts that clone (Codex).
 */
export function marketplaceRoutes(app: Hono<AppEnv>): void {
  app.get('/marketplace.json', async (c) => {
    const result = await getMarketplace({
      deps: c.get('deps'),
      input: { origin: publicOrigin(c), filter: catalogFilter(c) },
    });
    c.header('ETag', result.etag);
    c.header('Cache-Control', 'no-cache');
    if (matchesEtag(c.req.header('if-none-match'), result.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/json; charset=utf-8');
    return c.body(result.text, 200);
  });

  // Refs and HEAD may move with every publish; objects are named by their content.
  app.get('/marketplace.git/info/refs', async (c) => {
    const repo = await getMarketplaceRepo({ deps: c.get('deps'), input: { origin: publicOrigin(c) } });
    return gitText(c, `${repo.head}\trefs/heads/main\n`);
  });
  app.get('/marketplace.git/HEAD', (c) => gitText(c, 'ref: refs/heads/main\n'));
  app.get('/marketplace.git/objects/info/packs', (c) => gitText(c, ''));
  app.get('/marketplace.git/objects/:dir{[0-9a-f]{2}}/:object{[0-9a-f]{38}}', async (c) => {
    const repo = await getMarketplaceRepo({ deps: c.get('deps'), input: { origin: publicOrigin(c) } });
    const object = repo.objects.get(`${c.req.param('dir')}${c.req.param('object')}`);
    if (!object) throw new RegistryError('NOT_FOUND', 'no such object in the current catalog');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Content-Type', 'application/x-git-loose-object');
    return c.body(object as Uint8Array<ArrayBuffer>, 200);
  });
}

function gitText(c: Context<AppEnv>, text: string): Response {
  c.header('Cache-Control', 'no-cache');
  c.header('Content-Type', 'text/plain; charset=utf-8');
  return c.body(text, 200);
}

/** `?category=`, `?scope=` or `?q=` (category and q may go together). */
function catalogFilter(c: Context<AppEnv>): CatalogFilter {
  const category = c.req.query('category') || undefined;
  const scope = c.req.query('scope') || undefined;
  const q = c.req.query('q')?.trim().slice(0, 256) || undefined;
  if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) {
    throw new RegistryError('BAD_REQUEST', `category must be one of ${CATEGORIES.join(', ')}`);
  }
  if (scope !== undefined && !SCOPE.test(scope)) {
    throw new RegistryError(
      'BAD_REQUEST',
      `scope must be a scope name such as @acme, not "${scope.slice(0, 70)}"`,
    );
  }
  if (scope !== undefined && (category !== undefined || q !== undefined)) {
    throw new RegistryError(
      'BAD_REQUEST',
      'scope= stands alone: a scope catalog is not also filtered by category or q',
    );
  }
  return { ...(category ? { category } : {}), ...(scope ? { scope } : {}), ...(q ? { q } : {}) };
}
