import { CATEGORIES } from '@skills/schemas';
import { html, type SafeHtml } from './html.ts';

/** What a bundle card shows; fits a search hit, a bundle record and a version document. */
export interface CardData {
  name: string;
  version?: string;
  description: string;
  category?: string | null;
  downloads?: number;
  keywords?: readonly string[];
  publishedAt?: string;
}

export function bundleHref(name: string, query?: Record<string, string>): string {
  const q = query ? new URLSearchParams(query).toString() : '';
  return `/bundles/${name}${q ? `?${q}` : ''}`;
}

export function userHref(username: string): string {
  return `/~${encodeURIComponent(username)}`;
}

export function categoryHref(category: string): string {
  return `/categories/${encodeURIComponent(category)}`;
}

/** `1,234` */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A `<time>` showing the date part of an ISO timestamp. */
export function date(iso: string): SafeHtml {
  return html`<time datetime="${iso}">${iso.slice(0, 10)}</time>`;
}

/** The URL when it is an absolute http(s) URL, else undefined: the only kind ever made a link. */
export function safeExternalUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

export function bundleCard(b: CardData): SafeHtml {
  const keywords = (b.keywords ?? []).slice(0, 5);
  return html`<li class="card">
  <h3><a href="${bundleHref(b.name)}">${b.name}</a>${b.version ? html` <span class="version">${b.version}</span>` : ''}</h3>
  <p>${b.description || html`<span class="muted">No description.</span>`}</p>
  ${keywords.length ? html`<ul class="tags" aria-label="Keywords">${keywords.map((k) => html`<li class="tag">${k}</li>`)}</ul>` : ''}
  <p class="meta">${[
    b.category ? html`<a href="${categoryHref(b.category)}">${b.category}</a>` : '',
    b.downloads !== undefined ? plural(b.downloads, 'download') : '',
    b.publishedAt ? html`published ${date(b.publishedAt)}` : '',
  ]
    .filter((part) => part !== '')
    .map((part, i) => html`${i > 0 ? ' · ' : ''}${part}`)}</p>
</li>`;
}

export function bundleCards(items: readonly CardData[], empty: string): SafeHtml {
  if (items.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<ul class="cards">${items.map(bundleCard)}</ul>`;
}

/** Links to every category; `counts` adds how many bundles each holds. */
export function categoryList(
  options: { current?: string; counts?: ReadonlyMap<string, number> } = {},
): SafeHtml {
  return html`<ul class="categories">${CATEGORIES.map((c) => {
    const count = options.counts?.get(c);
    return html`<li><a href="${categoryHref(c)}"${c === options.current ? html` aria-current="page"` : ''}>${c}${count !== undefined ? html` <span class="muted">(${formatCount(count)})</span>` : ''}</a></li>`;
  })}</ul>`;
}

/** Previous / next links for a paged list; `href(page)` builds the URL of a page. */
export function pagination(options: {
  page: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
}): SafeHtml {
  const { page, pageSize, total } = options;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return html``;
  return html`<nav class="pagination" aria-label="Pages">
  ${page > 1 ? html`<a rel="prev" href="${options.href(page - 1)}">← Previous</a>` : ''}
  <span>Page ${formatCount(page)} of ${formatCount(pages)}</span>
  ${page < pages ? html`<a rel="next" href="${options.href(page + 1)}">Next →</a>` : ''}
</nav>`;
}

/** A page number from a query value: a positive integer up to `max`, else 1. */
export function parsePage(value: string | undefined, max = 1000): number {
  const n = value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(n, 1), max);
}
