import {
  bundleDocumentSchema,
  bundleNameSchema,
  deprecateRequestSchema,
  discoveryIndexSchema,
  distTagRequestSchema,
  distTagSchema,
  errorEnvelopeSchema,
  keysDocumentSchema,
  publishResultSchema,
  searchResponseSchema,
  semverSchema,
  signupRequestSchema,
  skillNameSchema,
  tokenCreatedSchema,
  tokenInfoSchema,
  tokenRequestSchema,
  versionDocumentSchema,
} from '@skills/schemas';
import type { ApiResponse } from './route-table.ts';

/**
 * A zod schema of `@skills/schemas`, seen structurally (zod is a dependency of schemas only).
 * Its `toJSONSchema` is `z.toJSONSchema(schema, params)`.
 */
export interface SchemaSource {
  toJSONSchema(params?: { io?: 'input' | 'output'; unrepresentable?: 'throw' | 'any' }): object;
}

/**
 * A JSON Schema written here, for shapes `@skills/schemas` has no zod schema for. Any value in
 * it may be a SchemaSource, converted in place when the document is built.
 */
export type JsonSchema = { [keyword: string]: unknown };

export type Schema = SchemaSource | JsonSchema;

export function isSchemaSource(value: unknown): value is SchemaSource {
  return typeof (value as Partial<SchemaSource> | null)?.toJSONSchema === 'function';
}

/**
 * The schemas that go into `components.schemas` under these names; a route using one gets a
 * `$ref`. Request schemas are converted with `io: 'input'` (defaults optional), the others with
 * `io: 'output'`. The same objects the routes validate with.
 */
export const COMPONENT_SCHEMAS: Record<string, SchemaSource> = {
  BundleDocument: bundleDocumentSchema,
  VersionDocument: versionDocumentSchema,
  PublishResult: publishResultSchema,
  SearchResponse: searchResponseSchema,
  TokenCreated: tokenCreatedSchema,
  TokenInfo: tokenInfoSchema,
  KeysDocument: keysDocumentSchema,
  DiscoveryIndex: discoveryIndexSchema,
  ErrorEnvelope: errorEnvelopeSchema,
  SignupRequest: signupRequestSchema,
  TokenRequest: tokenRequestSchema,
  DistTagRequest: distTagRequestSchema,
  DeprecateRequest: deprecateRequestSchema,
};

const username: JsonSchema = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 39 };

/** Every `{param}` a route path may hold. */
export const PATH_PARAMETERS: Record<string, { schema: Schema; description: string }> = {
  name: {
    schema: bundleNameSchema,
    description:
      'A bundle name, `name` or `@scope/name`. A scoped name may be sent as is or percent-encoded (`%40scope%2Fname`).',
  },
  version: { schema: semverSchema, description: 'An exact version.' },
  tag: { schema: distTagSchema, description: 'A dist-tag (`latest`, `beta`, …).' },
  file: {
    schema: { type: 'string', pattern: '\\.tgz$' },
    description: 'The tarball file name: the unscoped name, `-`, the version, `.tgz`.',
  },
  archive: {
    schema: { type: 'string', pattern: '^[a-z0-9-]+\\.tar\\.gz$' },
    description: 'A skill archive: the skill name, `.tar.gz`.',
  },
  skill: { schema: skillNameSchema, description: 'A skill name.' },
  user: { schema: username, description: 'A username.' },
  scope: {
    schema: { type: 'string', pattern: '^@?[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 65 },
    description: 'A scope, with or without its `@`.',
  },
  id: { schema: { type: 'string' }, description: 'A token id, as `GET /v1/tokens` lists it.' },
  dir: {
    schema: { type: 'string', pattern: '^[0-9a-f]{2}$' },
    description: 'The first two hex digits of a git object id.',
  },
  object: {
    schema: { type: 'string', pattern: '^[0-9a-f]{38}$' },
    description: 'The other 38 hex digits of a git object id.',
  },
};

/** An object with exactly these properties, all required. */
export function object(properties: Record<string, Schema>): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

export const stringSchema: JsonSchema = { type: 'string' };

/** `{TAG: VER}` */
export const distTagsShape: JsonSchema = { type: 'object', additionalProperties: semverSchema };
export const ownersShape = object({ owners: { type: 'array', items: username } });
export const scopeOwnersShape = object({ scope: stringSchema, owners: { type: 'array', items: username } });
export const usernameShape = object({ username });
export const tarballShape: JsonSchema = { type: 'string', contentMediaType: 'application/gzip' };

export const ETAG_HEADER = { ETag: 'Send it back in `If-None-Match` for a 304.' };
export const NOT_MODIFIED: ApiResponse = { description: 'The `If-None-Match` ETag still holds.' };
