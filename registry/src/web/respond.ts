import type { SafeHtml } from './html.ts';

/**
 * Sent with every page and asset (docs/security.md row 15). No script may run, nothing loads from
 * another origin, no inline style applies, and the pages cannot be framed.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** An HTML page with the security headers; pages are not cached (download counts move). */
export function sendPage(page: SafeHtml, status: 200 | 404 | 500 = 200): Response {
  return new Response(`<!doctype html>\n${page.value}`, {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
    },
  });
}
