import { API_ERROR_STATUS } from '@skills/schemas';
import {
  COMPONENT_SCHEMAS,
  isSchemaSource,
  type JsonSchema,
  PATH_PARAMETERS,
  type Schema,
  type SchemaSource,
} from './components.ts';
import { API_ROUTES, type ApiRoute, type ErrorStatus } from './route-table.ts';

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = JsonSchema & {
  openapi: '3.1.0';
  paths: Record<string, Record<string, unknown>>;
};

type Io = 'input' | 'output';

/** `components.responses` names: `Error400` … `Error429`, and `ServerError` for 500 and 503. */
const errorResponseName = (status: ErrorStatus | 'default') =>
  status === 'default' ? 'ServerError' : `Error${status}`;
const ERROR_RESPONSE = (status: ErrorStatus | 'default') => ({
  $ref: `#/components/responses/${errorResponseName(status)}`,
});

/**
 * Builds the OpenAPI 3.1 document of `routes` (default: every API route). Zod schemas from
 * `@skills/schemas` become JSON Schema (draft 2020-12) with `z.toJSONSchema`: `io: 'input'` for
 * request bodies and parameters, `io: 'output'` for responses. The named ones go into
 * `components.schemas` and are referenced.
 * @throws Error when a component is used both as a request and a response (its JSON would differ).
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[] = API_ROUTES): OpenApiDocument {
  const names = new Map<SchemaSource, string>(Object.entries(COMPONENT_SCHEMAS).map(([n, s]) => [s, n]));
  const components = new Map<string, { io: Io; json: JsonSchema }>();

  const convert = (schema: Schema, io: Io): JsonSchema => {
    if (!isSchemaSource(schema)) return convertNested(schema, io) as JsonSchema;
    const name = names.get(schema);
    if (name === undefined) return jsonSchemaOf(schema, io);
    const known = components.get(name);
    if (known && known.io !== io) throw new Error(`${name} is used both as a request and a response`);
    if (!known) components.set(name, { io, json: jsonSchemaOf(schema, io) });
    return { $ref: `#/components/schemas/${name}` };
  };
  // A schema written here may hold zod schemas anywhere inside it.
  const convertNested = (value: unknown, io: Io): unknown => {
    if (isSchemaSource(value)) return convert(value, io);
    if (Array.isArray(value)) return value.map((v) => convertNested(v, io));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertNested(v, io)]));
    }
    return value;
  };

  convert(COMPONENT_SCHEMAS.ErrorEnvelope!, 'output');
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(route, convert);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Agent skills registry',
      version: '1',
      description:
        'Publish, resolve and download agent skill bundles. Every error is the ErrorEnvelope; every answer carries `X-Request-Id`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'bundles', description: 'Reading and publishing bundles' },
      { name: 'lifecycle', description: 'Dist-tags, owners, deprecation and yanking' },
      { name: 'accounts', description: 'Users and tokens' },
      { name: 'discovery', description: 'Search, signing keys and the discovery index' },
      { name: 'marketplace', description: 'The npm API and the plugin marketplace catalogs' },
      { name: 'operations', description: 'Health, metrics and this document' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(
        [...components].sort(([a], [b]) => a.localeCompare(b)).map(([n, c]) => [n, c.json]),
      ),
      responses: errorResponses(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token: `sk_…`.' },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'Username and password; token routes and whoami only.',
        },
      },
    },
  };
}

function operation(route: ApiRoute, convert: (schema: Schema, io: Io) => JsonSchema): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    const param = PATH_PARAMETERS[name!];
    if (!param) throw new Error(`${route.path}: no PATH_PARAMETERS entry for {${name}}`);
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: param.description,
      schema: convert(param.schema, 'input'),
    });
  }
  for (const [name, q] of Object.entries(route.query ?? {})) {
    parameters.push({
      name,
      in: 'query',
      required: false,
      description: q.description,
      schema: convert(q.schema, 'input'),
    });
  }
  if (route.conditional) {
    parameters.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'An ETag from an earlier answer.',
      schema: { type: 'string' },
    });
  }

  const responses: JsonSchema = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
            ),
          }
        : {}),
      ...(r.schema
        ? { content: { [r.contentType ?? 'application/json']: { schema: convert(r.schema, 'output') } } }
        : {}),
    };
  }
  for (const status of route.errors) responses[status] = ERROR_RESPONSE(status);
  responses.default = ERROR_RESPONSE('default');

  const publishNote = route.auth === 'publish' ? 'Needs a token with the publish scope.' : undefined;
  const description = [route.description, publishNote].filter(Boolean).join(' ');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(description ? { description } : {}),
    tags: [route.tag],
    ...(route.auth === 'none'
      ? {}
      : { security: route.auth === 'token-or-basic' ? [{ bearer: [] }, { basic: [] }] : [{ bearer: [] }] }),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.body.optional,
            ...(route.body.description ? { description: route.body.description } : {}),
            content: Object.fromEntries(
              (route.body.contentTypes ?? ['application/json']).map((t) => [
                t,
                { schema: convert(route.body!.schema, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}

/** One error response per status, each listing its codes; 500 and 503 share `ServerError`. */
function errorResponses(): JsonSchema {
  const byStatus = new Map<ErrorStatus | 'default', string[]>();
  for (const [code, status] of Object.entries(API_ERROR_STATUS)) {
    const key = status >= 500 ? 'default' : (status as ErrorStatus);
    byStatus.set(key, [...(byStatus.get(key) ?? []), code]);
  }
  const content = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } };
  const out: JsonSchema = {};
  for (const [key, codes] of byStatus) {
    out[errorResponseName(key)] = {
      description: `The error envelope; \`error.code\` one of ${codes.join(', ')}.`,
      ...(key === 429 || key === 'default'
        ? {
            headers: {
              'Retry-After': { description: 'Seconds to wait (429, 503).', schema: { type: 'integer' } },
            },
          }
        : {}),
      content,
    };
  }
  return out;
}

/** `z.toJSONSchema(schema, { io })`, without `$schema` (the document's `jsonSchemaDialect` says it). */
function jsonSchemaOf(schema: SchemaSource, io: Io): JsonSchema {
  const { $schema: _dialect, ...json } = schema.toJSONSchema({ io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}
