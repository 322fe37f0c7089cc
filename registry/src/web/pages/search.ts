import { CATEGORIES } from '@skills/schemas';
import type { SearchPage } from '../../db/store.ts';
import { findSearchPage } from '../../services/search-bundles.ts';
import { bundleCards, formatCount, pagination, parsePage } from '../components.ts';
import type { PageContext, WebStore } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';

export const PAGE_SIZE = 20;
const MAX_QUERY_CHARS = 200;

export interface SearchParams {
  q?: string;
  category?: string;
  page?: string;
}

/**
 * One page of results, as `GET /v1/search` finds them: every term must match, else (for several
 * terms) any; no terms lists bundles by downloads.
 */
export async function findBundles(
  store: WebStore,
  input: { q: string; category: string | undefined; page: number },
): Promise<SearchPage> {
  return findSearchPage(store, {
    q: input.q,
    limit: PAGE_SIZE,
    offset: (input.page - 1) * PAGE_SIZE,
    ...(input.category ? { category: input.category } : {}),
  });
}

/** A category from a query value, or undefined when it is not one. */
export function knownCategory(value: string | undefined): string | undefined {
  return value && (CATEGORIES as readonly string[]).includes(value) ? value : undefined;
}

/** `GET /search?q=&category=&page=`: results with a category filter and pages. */
export async function searchPage(ctx: PageContext, params: SearchParams): Promise<SafeHtml> {
  const q = (params.q ?? '').slice(0, MAX_QUERY_CHARS).trim();
  const category = knownCategory(params.category);
  const page = parsePage(params.page);
  const result = await findBundles(ctx.store, { q, category, page });
  const href = (p: number) => {
    const search = new URLSearchParams();
    if (q) search.set('q', q);
    if (category) search.set('category', category);
    if (p > 1) search.set('page', String(p));
    const s = search.toString();
    return s ? `/search?${s}` : '/search';
  };
  const heading = q ? html`Results for “${q}”` : html`All bundles`;
  return layout({
    title: q ? `Search: ${q}` : 'All bundles',
    body: html`<h1>${heading}${category ? html` in ${category}` : ''}</h1>
<form class="search-form" role="search" action="/search" method="get">
  <label class="visually-hidden" for="q">Search terms</label>
  <input id="q" name="q" type="search" maxlength="${MAX_QUERY_CHARS}" value="${q}" placeholder="Search skills…">
  <label class="visually-hidden" for="category">Category</label>
  <select id="category" name="category">
    <option value="">All categories</option>
    ${CATEGORIES.map((c) => html`<option value="${c}"${c === category ? html` selected` : ''}>${c}</option>`)}
  </select>
  <button type="submit">Search</button>
</form>
<p class="muted">${formatCount(result.total)} ${result.total === 1 ? 'bundle' : 'bundles'} found.</p>
${bundleCards(result.hits, q ? 'No bundle matches. Try fewer or shorter words.' : 'No bundles here yet.')}
${pagination({ page, pageSize: PAGE_SIZE, total: result.total, href })}`,
  });
}
