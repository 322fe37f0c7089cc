import { type JsonSchema, object, stringSchema } from './components.ts';
import type { ApiRoute } from './route-table.ts';

/** What the npm API answers errors with: npm prints `error`. */
const npmErrorShape = object({ error: stringSchema, code: stringSchema, requestId: stringSchema });
const anyObject: JsonSchema = { type: 'object' };
const gitText = { schema: stringSchema, contentType: 'text/plain' };
const GIT = '/marketplace.git';

/** The npm API and the marketplace catalogs (docs/marketplace.md): part of API_ROUTES. */
export const MARKETPLACE_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/npm/{name}',
    operationId: 'npmPackument',
    summary: 'npm packument of a bundle',
    description:
      'Every version not yanked, with the `dist` of the npm package built from it. `Accept: application/vnd.npm.install-v1+json` gives the abbreviated form. Errors answer `{error, code, requestId}`, which npm prints.',
    tag: 'marketplace',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'The packument.',
        schema: anyObject,
        headers: { ETag: 'The bundle revision and form.' },
      },
      304: { description: 'The `If-None-Match` ETag still holds.' },
      404: { description: 'No such bundle.', schema: npmErrorShape },
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/npm/{name}/-/{file}',
    operationId: 'npmTarball',
    summary: 'npm package of a version',
    description:
      '`package/package.json`, `package/.claude-plugin/plugin.json` and `package/skills/SKILL/…`; built once per version, immutable.',
    tag: 'marketplace',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'The .tgz.',
        schema: { type: 'string', contentMediaType: 'application/octet-stream' },
        contentType: 'application/octet-stream',
        headers: { ETag: 'The integrity.' },
      },
      304: { description: 'The `If-None-Match` ETag still holds.' },
      404: { description: 'No such version or file.', schema: npmErrorShape },
    },
    errors: [],
  },
  ...(['put', 'delete'] as const).map(
    (method): ApiRoute => ({
      method,
      path: '/npm/*',
      operationId: `npmWrite${method === 'put' ? 'Put' : 'Delete'}`,
      summary: 'npm writes (refused)',
      description:
        '`npm publish`, `unpublish`, `dist-tag` and `deprecate` are refused: publish with `skills publish`.',
      tag: 'marketplace',
      auth: 'none',
      responses: { 403: { description: 'Refused, naming `skills publish`.', schema: npmErrorShape } },
      errors: [],
    }),
  ),
  {
    method: 'get',
    path: '/marketplace.json',
    operationId: 'marketplace',
    summary: 'Plugin marketplace catalog',
    description:
      'A Claude Code marketplace of the most downloaded bundles, each an npm plugin source; `category`, `scope` or `q` focus it (scope stands alone).',
    tag: 'marketplace',
    auth: 'none',
    conditional: true,
    query: {
      category: { schema: stringSchema, description: 'Only bundles of this category.' },
      scope: { schema: stringSchema, description: 'Only bundles of this scope (`@acme`), by name.' },
      q: { schema: stringSchema, description: 'Only bundles matching this search.' },
    },
    responses: {
      200: {
        description: 'The catalog.',
        schema: anyObject,
        headers: { ETag: 'The sha256 of the catalog.' },
      },
      304: { description: 'The `If-None-Match` ETag still holds.' },
    },
    errors: [400],
  },
  {
    method: 'get',
    path: `${GIT}/info/refs`,
    operationId: 'marketplaceGitRefs',
    summary: 'Catalog repository: refs',
    description: 'git dumb HTTP: `SHA\\trefs/heads/main`. Not cached.',
    tag: 'marketplace',
    auth: 'none',
    responses: { 200: { description: 'The one ref.', ...gitText } },
    errors: [],
  },
  {
    method: 'get',
    path: `${GIT}/HEAD`,
    operationId: 'marketplaceGitHead',
    summary: 'Catalog repository: HEAD',
    tag: 'marketplace',
    auth: 'none',
    responses: { 200: { description: '`ref: refs/heads/main`.', ...gitText } },
    errors: [],
  },
  {
    method: 'get',
    path: `${GIT}/objects/info/packs`,
    operationId: 'marketplaceGitPacks',
    summary: 'Catalog repository: packs (none)',
    tag: 'marketplace',
    auth: 'none',
    responses: { 200: { description: 'Empty: every object is loose.', ...gitText } },
    errors: [],
  },
  {
    method: 'get',
    path: `${GIT}/objects/{dir}/{object}`,
    operationId: 'marketplaceGitObject',
    summary: 'Catalog repository: a loose object',
    description: 'zlib-deflated, named by its sha1; immutable.',
    tag: 'marketplace',
    auth: 'none',
    responses: {
      200: {
        description: 'The object.',
        schema: { type: 'string', contentMediaType: 'application/x-git-loose-object' },
        contentType: 'application/x-git-loose-object',
      },
    },
    errors: [404],
  },
];
