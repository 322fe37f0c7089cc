import { html, type SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';

/** The page for an unknown or invalid bundle, user, category or version. */
export function notFoundPage(what = 'page'): SafeHtml {
  return layout({
    title: 'Not found',
    body: html`<h1>Not found</h1>
<p class="lead">There is no such ${what} here.</p>
<p><a href="/search">Browse all bundles</a> or use the search box above.</p>`,
  });
}

/** The page for a failure of the registry itself; says nothing about the cause. */
export function errorPage(): SafeHtml {
  return layout({
    title: 'Something went wrong',
    body: html`<h1>Something went wrong</h1>
<p class="lead">The registry could not show this page. Please try again in a moment.</p>`,
  });
}
