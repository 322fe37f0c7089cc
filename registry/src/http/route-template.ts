import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './env.ts';

/** A `:param{regex}` of a hono pattern, with at most one level of braces inside the regex. */
const CONSTRAINED_PARAM = /:(\w+)\{(?:[^{}]|\{[^{}]*\})*\}/g;

/**
 * The readable form of a hono route pattern: constraints dropped, and the scoped and plain
 * bundle patterns made one, since NAME is either (`/v1/bundles/:name`, `/npm/:name`, `/bundles/:name/…`). Metrics label requests
 * with it, and the OpenAPI document's paths are it with `{param}` for `:param`.
 * @example routeTemplate('/v1/bundles/:scope{@[^/]+}/:name/:version{[0-9][^/]*}') // '/v1/bundles/:name/:version'
 */
export function routeTemplate(pattern: string): string {
  return pattern
    .replace(CONSTRAINED_PARAM, ':$1')
    .replace(/^\/(v1\/bundles|npm|bundles)\/:scope\/:name(?=\/|$)/, '/$1/:name');
}

/** `/v1/bundles/:name/:version` → `/v1/bundles/{name}/{version}` */
export function openApiPath(template: string): string {
  return template.replace(/:(\w+)/g, '{$1}');
}

/** What a request is labelled with when no route matched it (a 404 from `notFound`). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * A function giving the template of the route that answered `c`, to call after `next()`.
 * Templates are cached by pattern (a bounded set), so each call is one Map lookup.
 */
export function createRouteLabeler(): (c: Context<AppEnv>) => string {
  const cache = new Map<string, string>();
  return (c) => {
    const pattern = routePath(c);
    // The first middleware's own pattern: nothing after it matched.
    if (pattern === '/*' || pattern === '') return UNMATCHED_ROUTE;
    let template = cache.get(pattern);
    if (template === undefined) {
      template = routeTemplate(pattern);
      cache.set(pattern, template);
    }
    return template;
  };
}
