import { CATEGORIES } from '@skills/schemas';
import type { Hono } from 'hono';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { plainAnswer } from '../http/plain-answer.ts';
import { searchBundlesJson } from '../services/search-bundles.ts';

export function searchRoutes(app: Hono<AppEnv>): void {
  app.get('/v1/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 256);
    const category = c.req.query('category') || undefined;
    if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) {
      throw new RegistryError('BAD_REQUEST', `category must be one of ${CATEGORIES.join(', ')}`);
    }
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: 100, fallback: 20 });
    const offset = intParam(c.req.query('offset'), 'offset', { min: 0, max: 10_000, fallback: 0 });
    const body = await searchBundlesJson({
      deps: c.get('deps'),
      input: { q, limit, offset, ...(category ? { category } : {}) },
    });
    return plainAnswer(c, 200, body, { 'Content-Type': 'application/json' });
  });
}

function intParam(
  raw: string | undefined,
  name: string,
  o: { min: number; max: number; fallback: number },
): number {
  if (raw === undefined || raw === '') return o.fallback;
  if (!/^\d{1,6}$/.test(raw)) throw new RegistryError('BAD_REQUEST', `${name} must be a whole number`);
  const n = Number(raw);
  if (n < o.min || n > o.max)
    throw new RegistryError('BAD_REQUEST', `${name} must be between ${o.min} and ${o.max}`);
  return n;
}
