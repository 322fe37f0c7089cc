import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { plainAnswer } from '../http/plain-answer.ts';
import { searchInputOf } from '../http/search-input.ts';
import { searchBundlesJson } from '../services/search-bundles.ts';

export function searchRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/search', async (c) => {
    const body = await searchBundlesJson({
      deps: c.get('deps'),
      input: searchInputOf((k) => c.req.query(k)),
    });
    return plainAnswer(c, 200, body, { 'Content-Type': 'application/json' });
  });
}
