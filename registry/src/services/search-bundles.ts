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

/** The store queries of one search: see `storeQueries`. */
export interface StoreQueries {
  first: SearchQuery;
  /** For several terms: asked when `first` finds nothing. */
  fallback?: SearchQuery;
}

/** `findSearchPage` from the store's search cache alone (`Store.peekSearch`), or undefined. */
function peekSearchPage(store: Pick<Store, 'peekSearch'>, queries: StoreQueries): SearchPage | undefined {
  const { first, fallback } = queries;
  const page = store.peekSearch(first);
  return fallback && page?.total === 0 ? store.peekSearch(fallback) : page;
}

/**
 * The store query for `input`, and for a query of several terms the one asked when it finds
 * nothing. The same input always gives equal queries, so a caller may keep them for it.
 */
export function storeQueries(input: SearchInput): StoreQueries {
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

/**
 * The JSON of each page answered so far, as UTF-8 bytes, while the page lives (the search cache
 * keeps it). Bytes, not a string: Node sends a string body by joining it to the response head,
 * a new string of the body's size for every answer.
 */
const bodies = new WeakMap<SearchPage, Uint8Array<ArrayBuffer>>();
const utf8 = new TextEncoder();

/**
 * Full-text search over names, descriptions, keywords and skills, ranked by bm25 blended with
 * downloads, as the UTF-8 JSON of a `SearchResponse`. Every term must match; when that finds
 * nothing for a query of several terms, any term may. An empty query lists bundles by downloads.
 * Never fails on odd text: see `toMatchExpressions`. A page the store's search cache answers
 * again (the same object until it is refreshed or dropped) is turned into text once, not per
 * request: that `JSON.stringify` was the largest cost of a cached search.
 */
export async function searchBundlesJson(args: {
  deps: Deps;
  input: SearchInput;
}): Promise<Uint8Array<ArrayBuffer>> {
  return bodyOf(await findSearchPage(args.deps.store, args.input));
}

/**
 * What `searchBundlesJson` answers for the input `queries` were made of (`storeQueries`), when
 * the store's search cache holds every page it needs, fresh: synchronously, with no query and no
 * wait (the server's fast lane answers with it); undefined when the search has work to do.
 */
export function peekSearchBundlesJson(args: {
  deps: Pick<Deps, 'store'>;
  queries: StoreQueries;
}): Uint8Array<ArrayBuffer> | undefined {
  const page = peekSearchPage(args.deps.store, args.queries);
  return page && bodyOf(page);
}

function bodyOf(page: SearchPage): Uint8Array<ArrayBuffer> {
  let body = bodies.get(page);
  if (body === undefined) {
    body = utf8.encode(JSON.stringify(toResponse(page)));
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
