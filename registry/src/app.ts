import { Hono } from 'hono';
import { type AppDeps, type Deps, resolveDeps } from './deps.ts';
import { RegistryError } from './errors.ts';
import { normalizedPath } from './http/bundle-path.ts';
import type { AppEnv } from './http/env.ts';
import { limitPerAddress } from './http/rate-limit.ts';
import { renderError } from './http/render-error.ts';
import { requestContext } from './http/request-context.ts';
import { bundleRoutes } from './routes/bundles.ts';
import { discoveryRoutes } from './routes/discovery.ts';
import { distTagRoutes } from './routes/dist-tags.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys.ts';
import { lifecycleRoutes } from './routes/lifecycle.ts';
import { marketplaceRoutes } from './routes/marketplace.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { npmRoutes } from './routes/npm.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { ownerRoutes } from './routes/owners.ts';
import { searchRoutes } from './routes/search.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { createWebRoutes } from './web/index.ts';

/**
 * Builds the registry's HTTP app from what it is given. Does nothing else: no I/O, no timers,
 * no environment. Every error leaves through `renderError` as the envelope of `@skills/schemas`.
 * @example const app = createApp({ store: createSqliteStore({ path: ':memory:' }), blobs: createMemoryBlobStore(), signer: createEphemeralSigner() })
 */
export function createApp(appDeps: AppDeps): Hono<AppEnv> {
  return buildApp(resolveDeps(appDeps));
}

/** `createApp` over deps already resolved, for a server that shares them with its fast lane. */
export function buildApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ getPath: normalizedPath });
  app.use(requestContext(deps));
  app.onError((err, c) => renderError(c, err));
  app.notFound((c) =>
    renderError(c, new RegistryError('NOT_FOUND', `nothing at ${c.req.method} ${c.req.path.slice(0, 200)}`)),
  );
  // Search is cheap to ask and dear to answer: both its doors share one bucket per address.
  app.use('/v1/search', limitPerAddress('search'));
  app.use('/search', limitPerAddress('search'));
  healthRoutes(app);
  userRoutes(app);
  tokenRoutes(app);
  // Static segments (dist-tags, owners, -) before versions; scoped patterns before plain ones.
  distTagRoutes(app);
  ownerRoutes(app);
  lifecycleRoutes(app);
  bundleRoutes(app);
  searchRoutes(app);
  npmRoutes(app);
  marketplaceRoutes(app);
  keyRoutes(app);
  discoveryRoutes(app);
  openApiRoutes(app);
  metricsRoutes(app);
  app.route(
    '/',
    createWebRoutes({
      store: deps.store,
      blobs: deps.blobs,
      log: deps.log,
      publicUrl: deps.publicUrl,
      marketplace: deps.marketplace.name,
    }),
  );
  return app;
}
