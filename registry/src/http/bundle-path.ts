import { bundleNameSchema } from '@skills/schemas';
import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import { RegistryError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/** Route patterns of a bundle: scoped (`@acme/deploy`) first, then plain (`deploy`). */
const BUNDLE_PATTERNS = ['/v1/bundles/:scope{@[^/]+}/:name', '/v1/bundles/:name{[^@/][^/]*}'];

/** Both patterns of a bundle route, with `suffix` appended (`/dist-tags`, `/:version{…}`, …). */
export function bundlePaths(suffix = ''): string[] {
  return BUNDLE_PATTERNS.map((p) => p + suffix);
}

/** Both patterns of a package in the npm API (`/npm/@acme/deploy`, `/npm/deploy`), with `suffix`. */
export function npmPaths(suffix = ''): string[] {
  return BUNDLE_PATTERNS.map((p) => p.replace('/v1/bundles/', '/npm/') + suffix);
}

/** The same for a bundle's public folder (`/bundles/NAME/…`, its page and its discovery index). */
const PAGE_PATTERNS = ['/bundles/:scope{@[^/]+}/:name', '/bundles/:name{[^@/][^/]*}'];

/** Both `/bundles/NAME` patterns, with `suffix` appended (`/.well-known/agent-skills/index.json`, …). */
export function bundlePagePaths(suffix = ''): string[] {
  return PAGE_PATTERNS.map((p) => p + suffix);
}

/** A version segment: starts with a digit, so it never shadows `dist-tags`, `owners` or `-`. */
export const VERSION_PARAM = '/:version{[0-9][^/]*}';

/**
 * The bundle NAME of a matched bundle route, checked against the name rule.
 * @throws RegistryError BAD_REQUEST for a malformed name.
 */
export function bundleName(c: Context<AppEnv>): string {
  const scope = c.req.param('scope');
  const name = c.req.param('name') ?? '';
  const full = scope ? `${scope}/${name}` : name;
  if (validNames.has(full)) return full;
  const parsed = bundleNameSchema.safeParse(full);
  if (!parsed.success) {
    throw new RegistryError(
      'BAD_REQUEST',
      `invalid bundle name "${full.slice(0, 140)}": ${parsed.error.issues[0]?.message}`,
    );
  }
  if (validNames.size >= VALID_NAMES_KEPT) validNames.clear();
  validNames.add(parsed.data);
  return parsed.data;
}

/**
 * Names that passed the name rule, so a hot GET skips the schema (zod) on each request. Bounded:
 * cleared when full (a name is a pure function of its text, so forgetting costs one re-check).
 */
const validNames = new Set<string>();
const VALID_NAMES_KEPT = 4096;

/** A scoped name percent-encoded after `/v1/bundles/` or `/npm/` (npm sends `@acme%2fdeploy`). */
const ENCODED_SCOPED = /^\/(v1\/bundles|npm)\/(?:%40|@)([^/%]*)%2F/i;

/**
 * hono's `getPath`, plus: `/v1/bundles/%40acme%2Fdeploy…` reads as `/v1/bundles/@acme/deploy…`,
 * and the same under `/npm/` (docs/http-api.md accepts both spellings of a scoped name).
 */
export function normalizedPath(request: Request): string {
  const path = getPath(request);
  if (!path.includes('%')) return path;
  return path.replace(ENCODED_SCOPED, '/$1/@$2/');
}

/**
 * The base of tarball URLs: `--public-url`, else the address the server listens on. Never the
 * request's `Host` (or any other header): a URL a client is sent must not be the client's choice,
 * and bundle ETags do not vary with it.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  return c.get('deps').publicUrl();
}
