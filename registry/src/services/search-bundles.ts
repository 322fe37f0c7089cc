import type { SearchResponse } from '@skills/schemas';
import type { SearchPage } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { toMatchExpressions } from '../domain/search-query.ts';

export interface SearchInput {
  q: string;
  category?: string;
  limit: number;
  offset: number;
}

/**
 * Full-text search over names, descriptions, keywords and skills, ranked by bm25 blended with
 * downloads. Every term must match; when that finds nothing for a query of several terms, any
 * term may. An empty query lists bundles by downloads. Never fails on odd text: see
 * `toMatchExpressions`.
 */
export async function searchBundles({
  deps,
  input,
}: {
  deps: Deps;
  input: SearchInput;
}): Promise<SearchResponse> {
  const match = toMatchExpressions(input.q);
  const query = {
    limit: input.limit,
    offset: input.offset,
    ...(input.category ? { category: input.category } : {}),
  };
  let page: SearchPage;
  if (!match) page = await deps.store.search(query);
  else {
    page = await deps.store.search({ ...query, match: match.all });
    if (page.total === 0 && match.terms > 1) page = await deps.store.search({ ...query, match: match.any });
  }
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
