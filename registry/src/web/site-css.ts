import { createHash } from 'node:crypto';

/** The site's one stylesheet, served from `/assets/site.css` (the CSP allows no inline styles). */
export const SITE_CSS = `
:root {
  --bg: #ffffff;
  --fg: #1b1f24;
  --muted: #57606a;
  --line: #d0d7de;
  --card: #f6f8fa;
  --accent: #0a58ca;
  --code-bg: #eff1f3;
  --warn-bg: #fff5e0;
  --warn-line: #b35900;
  --warn-fg: #4d2600;
  --danger-bg: #fdecec;
  --danger-line: #b42318;
  --danger-fg: #5c0f0a;
  --radius: 8px;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216;
    --fg: #e6e9ed;
    --muted: #a3adb8;
    --line: #30363d;
    --card: #171b21;
    --accent: #7ab4ff;
    --code-bg: #1f252d;
    --warn-bg: #2b1e06;
    --warn-line: #e0a030;
    --warn-fg: #f6deb0;
    --danger-bg: #2d1211;
    --danger-line: #f07068;
    --danger-fg: #fbd3d0;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 1rem;
  line-height: 1.55;
}
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: var(--code-bg); padding: 0.9rem 1rem; border-radius: var(--radius); overflow-x: auto; }
pre code { background: none; padding: 0; overflow-wrap: normal; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 1.9rem; margin-top: 0.4em; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid var(--line); padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
blockquote { margin: 1em 0; padding: 0.1rem 1rem; border-left: 4px solid var(--line); color: var(--muted); }
.align-center { text-align: center; }
.align-right { text-align: right; }

.wrap { max-width: 68rem; margin: 0 auto; padding: 0 1.25rem; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}

.site-header { border-bottom: 1px solid var(--line); background: var(--card); }
.site-header .wrap { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem 1.5rem; padding-top: 0.75rem; padding-bottom: 0.75rem; }
.brand { font-weight: 700; font-size: 1.15rem; color: var(--fg); text-decoration: none; }
.brand span { color: var(--accent); }
.site-nav { display: flex; gap: 1rem; }
.site-header form { flex: 1 1 18rem; }
.search-form { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.search-form input[type="search"], .search-form select {
  font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: var(--radius); padding: 0.45rem 0.7rem;
}
.search-form input[type="search"] { flex: 1 1 12rem; min-width: 0; }
button, .button {
  font: inherit; cursor: pointer; border: 1px solid var(--accent); border-radius: var(--radius);
  background: var(--accent); color: var(--bg); padding: 0.45rem 1rem; font-weight: 600;
}

main { padding-top: 1.5rem; padding-bottom: 3rem; min-height: 60vh; }
.site-footer { border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; padding: 1.5rem 0; }
.lead { font-size: 1.15rem; color: var(--muted); margin-top: 0; }
.muted { color: var(--muted); }

.cards { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.card { border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); padding: 1rem 1.1rem; display: flex; flex-direction: column; gap: 0.35rem; }
.card h3 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
.card p { margin: 0; }
.card .meta { font-size: 0.85rem; color: var(--muted); margin-top: auto; }
.tags { display: flex; flex-wrap: wrap; gap: 0.35rem; padding: 0; margin: 0.25rem 0; list-style: none; }
.tag { font-size: 0.8rem; border: 1px solid var(--line); border-radius: 999px; padding: 0.05rem 0.55rem; background: var(--bg); }

.categories { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
.categories a { display: inline-block; border: 1px solid var(--line); border-radius: 999px; padding: 0.25rem 0.8rem; text-decoration: none; }
.categories a[aria-current="page"] { background: var(--accent); color: var(--bg); border-color: var(--accent); }

.pagination { display: flex; gap: 1rem; align-items: center; margin: 1.5rem 0; }

.notice { border: 1px solid var(--line); border-left-width: 6px; border-radius: var(--radius); padding: 0.8rem 1rem; margin: 1rem 0; }
.notice h2, .notice h3 { margin: 0 0 0.4rem; font-size: 1.05rem; }
.notice p { margin: 0.25rem 0; }
.notice ul { margin: 0.4rem 0 0; padding-left: 1.2rem; }
.notice-warn { background: var(--warn-bg); border-color: var(--warn-line); color: var(--warn-fg); }
.notice-danger { background: var(--danger-bg); border-color: var(--danger-line); color: var(--danger-fg); }
.notice a { color: inherit; }

.bundle-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 1rem; }
.bundle-head h1 { margin-bottom: 0.2rem; }
.version { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--muted); }
.install { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
.install pre { margin: 0.25rem 0 1rem; flex: 1 1 auto; }
.install-hosts { margin: 0; }
.install-hosts dt { font-weight: 600; margin-top: 0.5rem; }
.install-hosts dd { margin: 0; }
.install-hosts pre { margin: 0.25rem 0 0.5rem; }
.bundle-layout { display: grid; gap: 2rem; grid-template-columns: minmax(0, 1fr) 18rem; }
@media (max-width: 52rem) { .bundle-layout { grid-template-columns: minmax(0, 1fr); } }
.sidebar h2 { font-size: 1rem; margin: 1.4rem 0 0.4rem; }
.sidebar dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 0.75rem; }
.sidebar dt { color: var(--muted); }
.sidebar dd { margin: 0; overflow-wrap: anywhere; }
.sidebar ul { padding-left: 1.1rem; margin: 0; }
.versions { list-style: none; padding: 0 !important; }
.versions li { display: flex; justify-content: space-between; align-items: baseline; gap: 0.5rem; border-bottom: 1px solid var(--line); padding: 0.2rem 0; }
.versions time { white-space: nowrap; }
.badge { display: inline-block; white-space: nowrap; font-size: 0.75rem; border-radius: 4px; padding: 0 0.4rem; border: 1px solid currentColor; }
.badge-warn { color: var(--warn-line); }
.badge-danger { color: var(--danger-line); }

.capabilities { width: 100%; }
.capabilities th { width: 9rem; }
.capabilities.none { color: var(--muted); }
.skills { list-style: none; padding: 0; }
.skills li { border-bottom: 1px solid var(--line); padding: 0.5rem 0; }
.skill-doc { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.5rem 1.25rem; overflow-wrap: anywhere; }
.md-image { font-style: italic; }
`;

/** Short content hash, put in the stylesheet URL so it can be cached forever. */
export const SITE_CSS_HASH = createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 12);
export const SITE_CSS_PATH = '/assets/site.css';
