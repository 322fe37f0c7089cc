import { html, type SafeHtml } from './html.ts';
import { SITE_CSS_HASH, SITE_CSS_PATH } from './site-css.ts';

export interface LayoutOptions {
  /** The page's own title; the site name is added. */
  title: string;
  /** One-line summary for `<meta name="description">`. */
  description?: string;
  body: SafeHtml;
}

export const SITE_NAME = 'Agent Skills';

/** The HTML shell of every page: skip link, header with search, main landmark, footer. */
export function layout(options: LayoutOptions): SafeHtml {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${SITE_NAME}</title>
${options.description ? html`<meta name="description" content="${options.description.slice(0, 300)}">` : ''}
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${SITE_CSS_PATH}?v=${SITE_CSS_HASH}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/">agent<span>/</span>skills</a>
    <nav class="site-nav" aria-label="Main">
      <a href="/search">Browse</a>
      <a href="/#categories">Categories</a>
    </nav>
    <form class="search-form" role="search" action="/search" method="get">
      <label class="visually-hidden" for="site-q">Search bundles</label>
      <input id="site-q" name="q" type="search" placeholder="Search skills…" maxlength="200">
      <button type="submit">Search</button>
    </form>
  </div>
</header>
<main id="main" class="wrap">
${options.body}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>${SITE_NAME}: bundles of skills for AI agents. Install one with <code>skills install NAME</code>.
    Everything here was published by its authors: read what a bundle asks for before you install it.</p>
  </div>
</footer>
</body>
</html>`;
}
