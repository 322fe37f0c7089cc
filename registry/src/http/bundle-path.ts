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

/** A version segment: starts with a digit, so it never shadows `dist-tags`, `owners` or `-`. */
export const VERSION_PARAM = '/:version{[0-9][^/]*}';

/**
 * The bundle NAME of a matched bundle route, checked against the name rule.
 * @throws RegistryError BAD_REQUEST for a malformed name.
 */
export function bundleName(c: Context<AppEnv>): string {
  const params = c.req.param() as Record<string, string | undefined>;
  const scope = params.scope;
  const name = params.name ?? '';
  const full = scope ? `${scope}/${name}` : name;
  const parsed = bundleNameSchema.safeParse(full);
  if (!parsed.success) {
    throw new RegistryError(
      'BAD_REQUEST',
      `invalid bundle name "${full.slice(0, 140)}": ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

/**
 * hono's `getPath`, plus: `/v1/bundles/%40acme%2Fdeploy…` reads as `/v1/bundles/@acme/deploy…`
 * (docs/http-api.md accepts both spellings of a scoped name).
 */
export function normalizedPath(request: Request): string {
  const path = getPath(request);
  if (!path.startsWith('/v1/bundles/%40') && !/^\/v1\/bundles\/@[^/]*%2F/i.test(path)) return path;
  return path.replace(/^\/v1\/bundles\/(?:%40|@)([^/%]*)%2F/i, '/v1/bundles/@$1/');
}

/** The origin tarball URLs are built on: `--public-url`, else the request's own. */
export function requestOrigin(c: Context<AppEnv>): string {
  return c.get('deps').publicUrl ?? new URL(c.req.url).origin;
}
