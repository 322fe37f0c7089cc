import MarkdownIt from 'markdown-it';
import { escapeHtml, raw, type SafeHtml } from './html.ts';

type Markdown = ReturnType<typeof MarkdownIt>;

/** Longest Markdown source rendered; the rest is cut (publish caps SKILL.md bodies well below). */
const MAX_SOURCE_CHARS = 200_000;
/** Markdown headings move down this many levels, so a SKILL.md `#` sits under the page's h2. */
const HEADING_SHIFT = 2;
const LINK_REL = 'nofollow noopener noreferrer';

/**
 * The one Markdown renderer of the site (docs/security.md row 15). Raw HTML is never passed through
 * (`html: false` escapes it as text), nothing is auto-linked, links may only be http(s), mailto
 * or relative, images are never loaded (each becomes a link to its source), every link gets
 * `rel="nofollow noopener noreferrer"`, and no `style` attribute is emitted (the CSP allows none).
 */
function createRenderer(): Markdown {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  md.validateLink = isAllowedLink;

  md.core.ruler.push('web_safety', (state) => {
    for (const token of state.tokens) {
      if (token.type === 'heading_open' || token.type === 'heading_close') {
        const level = Math.min(6, Number(token.tag.slice(1)) + HEADING_SHIFT);
        token.tag = `h${level}`;
      }
      const style = token.attrGet('style');
      if (style !== null) {
        const align = /text-align:(left|right|center)/.exec(String(style))?.[1];
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
        if (align) token.attrJoin('class', `align-${align}`);
      }
    }
  });

  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]!.attrSet('rel', LINK_REL);
    return self.renderToken(tokens, idx, options);
  };

  md.renderer.rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const alt = token.children?.length ? md.renderer.renderInlineAsText(token.children, md.options, {}) : '';
    const label = escapeHtml(`image: ${alt || src || 'untitled'}`);
    if (!src || !isRemote(src)) return `<span class="md-image">${label}</span>`;
    return `<a class="md-image" href="${escapeHtml(src)}" rel="${LINK_REL}">${label}</a>`;
  };

  // Text and code go through the site's escaper so hidden characters show up in them too.
  md.renderer.rules.text = (tokens, idx) => escapeHtml(tokens[idx]!.content);
  md.renderer.rules.code_inline = (tokens, idx) => `<code>${escapeHtml(tokens[idx]!.content)}</code>`;
  md.renderer.rules.code_block = (tokens, idx) =>
    `<pre><code>${escapeHtml(tokens[idx]!.content)}</code></pre>\n`;
  md.renderer.rules.fence = (tokens, idx) => {
    const token = tokens[idx]!;
    const lang = /^[A-Za-z0-9_+-]{1,32}$/.exec(token.info.trim().split(/\s+/)[0] ?? '')?.[0];
    const cls = lang ? ` class="language-${lang}"` : '';
    return `<pre><code${cls}>${escapeHtml(token.content)}</code></pre>\n`;
  };
  return md;
}

/**
 * Whether a (normalised) link target may become an href: http(s) and mailto URLs, and relative
 * references that cannot be read as another scheme or host.
 * @example isAllowedLink('javascript:alert(1)') // false
 */
export function isAllowedLink(url: string): boolean {
  const u = url.trim();
  if (u === '') return false;
  // `//host`, `\\host` and `/\host`, plain or percent-encoded, reach another host; any leading `\` is refused.
  const head = u.slice(0, 8).replace(/%5c/gi, '\\').replace(/%2f/gi, '/');
  if (/^[\\/]{2}|^\\/.test(head)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u)?.[1]?.toLowerCase();
  if (scheme === undefined) return !u.includes(':') || /^[^:]*[/?#]/.test(u);
  return scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

function isRemote(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

let renderer: Markdown | undefined;

/**
 * Renders untrusted Markdown to HTML that is safe to put on a page.
 * @example renderMarkdown('[x](javascript:alert(1))').value // '<p>[x](javascript:alert(1))</p>\n'
 */
export function renderMarkdown(source: string): SafeHtml {
  renderer ??= createRenderer();
  const text = source.length > MAX_SOURCE_CHARS ? `${source.slice(0, MAX_SOURCE_CHARS)}\n\n…` : source;
  return raw(renderer.render(text));
}
