import { bundleCards, categoryList, formatCount, pagination, parsePage } from '../components.ts';
import type { PageContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import { findBundles, knownCategory, PAGE_SIZE } from './search.ts';

/** `GET /categories/C?page=`: the bundles of one category by downloads; undefined for an unknown one. */
export async function categoryPage(
  ctx: PageContext,
  params: { category: string; page?: string },
): Promise<SafeHtml | undefined> {
  const category = knownCategory(params.category);
  if (!category) return undefined;
  const page = parsePage(params.page);
  const result = await findBundles(ctx.store, { q: '', category, page });
  const base = `/categories/${category}`;
  return layout({
    title: `Category: ${category}`,
    description: `Agent skill bundles in the ${category} category.`,
    body: html`<h1>Category: ${category}</h1>
<nav aria-label="Categories">${categoryList({ current: category })}</nav>
<p class="muted">${formatCount(result.total)} ${result.total === 1 ? 'bundle' : 'bundles'}, most downloaded first.
<a href="/search?category=${category}">Search in ${category}</a></p>
${bundleCards(result.hits, 'No bundles in this category yet.')}
${pagination({ page, pageSize: PAGE_SIZE, total: result.total, href: (p) => (p > 1 ? `${base}?page=${p}` : base) })}`,
  });
}
