import {
  CATEGORIES,
  keysDocumentSchema,
  searchResponseSchema,
  signupRequestSchema,
  tokenCreatedSchema,
  tokenInfoSchema,
  tokenRequestSchema,
} from '@skills/schemas';
import { BUNDLE_ROUTES } from './bundle-routes.ts';
import {
  ETAG_HEADER,
  type JsonSchema,
  NOT_MODIFIED,
  object,
  type Schema,
  stringSchema,
  usernameShape,
} from './components.ts';
import { DISCOVERY_ROUTES } from './discovery-routes.ts';
import { MARKETPLACE_ROUTES } from './marketplace-routes.ts';

/**
 * Who may call a route: anyone; a bearer token with the publish scope (an owner's, where the
 * route changes a bundle); or any bearer token or HTTP Basic (the token routes and whoami).
 */
export type Auth = 'none' | 'publish' | 'token-or-basic';

/** Error statuses a route lists; each answers with the error envelope. 500/503 go under `default`. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429;

export interface ApiResponse {
  description: string;
  /** Absent: no body. */
  schema?: Schema;
  /** Default `application/json`. */
  contentType?: string;
  /** Response headers worth naming (`ETag`, …), with a description each. */
  headers?: Record<string, string>;
}

export interface ApiRoute {
  method: 'get' | 'put' | 'post' | 'delete';
  /** `{param}` for each path parameter, each described in PATH_PARAMETERS. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'bundles' | 'lifecycle' | 'accounts' | 'discovery' | 'marketplace' | 'operations';
  auth: Auth;
  query?: Record<string, { schema: Schema; description: string }>;
  /** Takes `If-None-Match` and answers 304 when it matches. */
  conditional?: boolean;
  body?: { schema: Schema; contentTypes?: string[]; optional?: boolean; description?: string };
  /** Success answers by status. */
  responses: Record<number, ApiResponse>;
  errors: ErrorStatus[];
}

/**
 * Every API route the registry serves (the marketplace pages aside): the one source of
 * `GET /openapi.json`. A test walks the app's routes and this table and fails on any difference.
 */
export const API_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/v1/health',
    operationId: 'health',
    summary: 'Liveness',
    description:
      'For load balancers: 503 UNAVAILABLE once the process has been told to stop (SIGTERM) and is draining, so no new requests are sent to it.',
    tag: 'operations',
    auth: 'none',
    responses: { 200: { description: 'Serving.', schema: object({ status: { const: 'ok' } }) } },
    errors: [],
  },
  {
    method: 'post',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Sign up',
    description: 'Open unless the server runs with `--no-signup` (then 403 SIGNUP_CLOSED).',
    tag: 'accounts',
    auth: 'none',
    body: { schema: signupRequestSchema },
    responses: { 201: { description: 'Created.', schema: usernameShape } },
    errors: [400, 403, 409, 413, 429],
  },
  {
    method: 'get',
    path: '/v1/whoami',
    operationId: 'whoami',
    summary: 'The caller',
    tag: 'accounts',
    auth: 'token-or-basic',
    responses: { 200: { description: 'The user behind the credential.', schema: usernameShape } },
    errors: [401, 429],
  },
  {
    method: 'post',
    path: '/v1/tokens',
    operationId: 'createToken',
    summary: 'Create a token',
    description:
      'An empty body is `{}`: a publish token without expiry. A read token mints read tokens only.',
    tag: 'accounts',
    auth: 'token-or-basic',
    body: { schema: tokenRequestSchema, optional: true },
    responses: { 201: { description: 'The only time the token is shown.', schema: tokenCreatedSchema } },
    errors: [400, 401, 403, 413, 429],
  },
  {
    method: 'get',
    path: '/v1/tokens',
    operationId: 'listTokens',
    summary: "The caller's tokens",
    tag: 'accounts',
    auth: 'token-or-basic',
    responses: {
      200: {
        description: 'Never the tokens themselves.',
        schema: object({ tokens: { type: 'array', items: tokenInfoSchema } }),
      },
    },
    errors: [401, 429],
  },
  {
    method: 'delete',
    path: '/v1/tokens/{id}',
    operationId: 'revokeToken',
    summary: 'Revoke a token',
    tag: 'accounts',
    auth: 'token-or-basic',
    responses: { 204: { description: 'Revoked, in every process at once.' } },
    errors: [401, 404, 429],
  },
  ...BUNDLE_ROUTES,
  ...MARKETPLACE_ROUTES,
  {
    method: 'get',
    path: '/v1/search',
    operationId: 'search',
    summary: 'Search bundles',
    description: 'Only bundles with a `latest` version are listed. An empty `q` lists by downloads.',
    tag: 'discovery',
    auth: 'none',
    query: {
      q: {
        schema: stringSchema,
        description: 'Words; the last one matches as a prefix. Cut at 256 characters.',
      },
      category: { schema: { type: 'string', enum: [...CATEGORIES] }, description: 'Only this category.' },
      limit: {
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        description: 'Page size.',
      },
      offset: {
        schema: { type: 'integer', minimum: 0, maximum: 10_000, default: 0 },
        description: 'Results to skip.',
      },
    },
    responses: { 200: { description: 'Ranked results.', schema: searchResponseSchema } },
    errors: [400],
  },
  {
    method: 'get',
    path: '/v1/keys',
    operationId: 'getKeys',
    summary: 'Signing keys',
    description: 'Each version document carries a signature over `NAME@VER:INTEGRITY` by one of these.',
    tag: 'discovery',
    auth: 'none',
    responses: {
      200: { description: 'Public keys of every process sharing the database.', schema: keysDocumentSchema },
    },
    errors: [],
  },
  ...DISCOVERY_ROUTES,
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    auth: 'none',
    conditional: true,
    responses: {
      200: {
        description: 'OpenAPI 3.1.',
        schema: { type: 'object' } satisfies JsonSchema,
        headers: ETAG_HEADER,
      },
      304: NOT_MODIFIED,
    },
    errors: [],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description: 'Text exposition format 0.0.4, counted per process.',
    tag: 'operations',
    auth: 'none',
    responses: {
      200: {
        description: 'Counters, histograms and gauges.',
        schema: stringSchema,
        contentType: 'text/plain; version=0.0.4',
      },
    },
    errors: [],
  },
];
