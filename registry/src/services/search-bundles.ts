import type { SearchResponse } from '@skills/schemas';
import type { SearchPage, SearchQuery, Store } from '../db/store.ts';
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
  const { first, fallback } = storeQueries(input);
  const page = await store.search(first);
  return fallback && page.total === 0 ? store.search(fallback) : page;
}

/** `findSearchPage` from the store's search cache alone (`Store.peekSearch`), or undefined. */
function peekSearchPage(store: Pick<Store, 'peekSearch'>, input: SearchInput): SearchPage | undefined {
  const { first, fallback } = storeQueries(input);
  const page = store.peekSearch(first);
  return fallback && page?.total === 0 ? store.peekSearch(fallback) : page;
}

/** The store query for `input`, and for a query of several terms the one asked when it finds nothing. */
function storeQueries(input: SearchInput): { first: SearchQuery; fallback?: SearchQuery } {
  const match = toMatchExpressions(input.q);
  const query = {
    limit: input.limit,
    offset: input.offset,
    ...(input.category ? { category: input.category } : {}),
  };
  if (!match) return { first: query };
  const first = { ...query, match: match.all };
  return match.terms < 2 ? { first } : { first, fallback: { ...query, match: match.any } };
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
  return bodyOf(await findSearchPage(args.deps.store, args.input));
}

/**
 * What `searchBundlesJson` answers, when the store's search cache holds every page it needs,
 * fresh: synchronously, with no query and no wait (the server's fast lane answers with it);
 * undefined when the search has work to do.
 */
export function peekSearchBundlesJson(args: {
  deps: Pick<Deps, 'store'>;
  input: SearchInput;
}): string | undefined {
  const page = peekSearchPage(args.deps.store, args.input);
  return page && bodyOf(page);
}

function bodyOf(page: SearchPage): string {
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
