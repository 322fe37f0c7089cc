import type { Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import { bundleName, npmPaths, publicOrigin } from '../http/bundle-path.ts';
import type { AppEnv } from '../http/env.ts';
import { tarballResponse } from '../http/tarball-response.ts';
import { getNpmPackument, NPM_ABBREVIATED } from '../services/get-npm-packument.ts';
import { getNpmTarball } from '../services/get-npm-tarball.ts';

/**
 * The npm-compatible read API under `/npm/` (docs/marketplace.md): packuments and the npm
 * packages built from bundle versions. Writes are refused: bundles are published with
 * `skills publish`. Errors here answer in npm's shape (`{"error": "…"}`; see render-error.ts).
 */
export function npmRoutes(app: Hono<AppEnv>): void {
  app.on('GET', npmPaths('/-/:file'), async (c) => {
    const result = await getNpmTarball({
      deps: c.get('deps'),
      input: {
        name: bundleName(c),
        file: c.req.param('file') ?? '',
        ifNoneMatch: c.req.header('if-none-match'),
      },
    });
    return tarballResponse(c, result, 'application/octet-stream');
  });

  app.on('GET', npmPaths(), async (c) => {
    const result = await getNpmPackument({
      deps: c.get('deps'),
      input: {
        name: bundleName(c),
        origin: publicOrigin(c),
        abbreviated: (c.req.header('accept') ?? '').includes(NPM_ABBREVIATED),
        ifNoneMatch: c.req.header('if-none-match'),
      },
    });
    c.header('ETag', result.etag);
    c.header('Cache-Control', 'no-cache');
    c.header('Vary', 'Accept');
    if (result.notModified) return c.body(null, 304);
    c.header('Content-Type', `${result.contentType}; charset=utf-8`);
    return c.body(result.body, 200);
  });

  app.on(['PUT', 'DELETE'], '/npm/*', () => {
    throw new RegistryError(
      'FORBIDDEN',
      'this registry does not take npm writes: publish a bundle with `skills publish`, and change it with the skills commands (dist-tag, deprecate, yank, owner)',
    );
  });
}
