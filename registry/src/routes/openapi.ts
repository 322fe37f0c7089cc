import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { matchesEtag } from '../http/etag.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';

export function openApiRoutes(app: Hono<AppEnv>): void {
  // Built on the first request, once per app: the document depends on nothing at run time.
  let served: { body: string; etag: string } | undefined;
  app.get('/openapi.json', (c) => {
    if (!served) {
      const body = JSON.stringify(buildOpenApiDocument());
      served = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    c.header('ETag', served.etag);
    c.header('Cache-Control', 'no-cache');
    if (matchesEtag(c.req.header('if-none-match'), served.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/json; charset=utf-8');
    return c.body(served.body, 200);
  });
}
