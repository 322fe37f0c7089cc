import { CATEGORIES } from '@skills/schemas';
import { RegistryError } from '../errors.ts';
import type { SearchInput } from '../services/search-bundles.ts';

/**
 * The search asked for by the query parameters of `GET /v1/search`, `query(key)` giving each
 * one's decoded first value: `q` (cut to 256 characters), `category`, `limit` (1–100, default
 * 20), `offset` (0–10,000, default 0).
 * @throws RegistryError BAD_REQUEST naming the parameter and what it must be.
 */
export function searchInputOf(query: (key: string) => string | undefined): SearchInput {
  const q = (query('q') ?? '').slice(0, 256);
  const category = query('category') || undefined;
  if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category)) {
    throw new RegistryError('BAD_REQUEST', `category must be one of ${CATEGORIES.join(', ')}`);
  }
  const limit = intParam(query('limit'), 'limit', { min: 1, max: 100, fallback: 20 });
  const offset = intParam(query('offset'), 'offset', { min: 0, max: 10_000, fallback: 0 });
  return { q, limit, offset, ...(category ? { category } : {}) };
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
