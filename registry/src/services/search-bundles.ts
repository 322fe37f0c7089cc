import type { SearchResponse } from '@skills/schemas';
import type { SearchPage, Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { toMatchExpressions } from '../domain/search-query.ts';

export interface SearchInput {
  q: string;
  category?: string;
  limit: number;
  offset: number;
}

/**
 * The store's page for a query: every term must match, else (for several terms) any; no terms
 * lists bundles by downloads. The API and the marketplace's search page both ask through this.
 */
export async function findSearchPage(store: Pick<Store, 'search'>, input: SearchInput): Promise<SearchPage> {
  const match = toMatchExpressions(input.q);
  const query = {
    limit: input.limit,
    offset: input.offset,
    ...(input.category ? { category: input.category } : {}),
  };
  if (!match) return store.search(query);
  const all = await store.search({ ...query, match: match.all });
  if (all.total > 0 || match.terms < 2) return all;
  return store.search({ ...query, match: match.any });
}

/** The JSON text of each page answered so far, while the page lives (the search cache keeps it). */
const bodies = new WeakMap<SearchPage, string>();

/**
 * Full-text search over names, descriptions, keywords and skills, ranked by bm25 blended with
 * downloads, as the JSON text of a `SearchResponse`. Every term must match; when that finds
 * nothing for a query of several terms, any term may. An empty query lists bundles by downloads.
 * Never fails on odd text: see `toMatchExpressions`. A page the store's search cache answers
 * again (the same object until it is refreshed or dropped) is turned into text once, not per
 * request: that `JSON.stringify` was the largest cost of a cached search.
 */
export async function searchBundlesJson(args: { deps: Deps; input: SearchInput }): Promise<string> {
  const page = await findSearchPage(args.deps.store, args.input);
  let body = bodies.get(page);
  if (body === undefined) {
    body = JSON.stringify(toResponse(page));
    bodies.set(page, body);
  }
  return body;
}

function toResponse(page: SearchPage): SearchResponse {
  return {
    total: page.total,
    results: page.hits.map((h) => ({
      name: h.name,
      version: h.version,
      description: h.description,
      ...(h.category
        ? { category: h.category as NonNullable<SearchResponse['results'][number]['category']> }
        : {}),
      keywords: h.keywords,
      downloads: h.downloads,
      score: h.score,
    })),
  };
}
