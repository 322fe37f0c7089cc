import {
  bundleDocumentSchema,
  errorEnvelopeSchema,
  publishResultSchema,
  tokenRequestSchema,
  versionDocumentSchema,
} from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { openApiPath, routeTemplate } from '../src/http/route-template.ts';
import { buildOpenApiDocument } from '../src/openapi/document.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** `GET /openapi.json`: generated from the route table, which must match the app's routes. */

let r: TestRegistry;
beforeEach(async () => {
  r = await makeTestRegistry();
});
afterEach(() => r.close());

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
};
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
};

async function fetchDocument(): Promise<Doc> {
  const res = await r.call('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Doc;
}

/** `z.toJSONSchema` as the document embeds it: the dialect is the document's, not each schema's. */
function zodJson(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io });
  expect($schema).toBe('https://json-schema.org/draft/2020-12/schema');
  return rest;
}

const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
  );

describe('GET /openapi.json', () => {
  test('is an OpenAPI 3.1 document with info, paths and components', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual(
      expect.objectContaining({ title: expect.any(String), version: expect.any(String) }),
    );
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    for (const name of [
      'VersionDocument',
      'BundleDocument',
      'SearchResponse',
      'ErrorEnvelope',
      'PublishResult',
      'TokenCreated',
      'TokenInfo',
      'KeysDocument',
      'DiscoveryIndex',
    ]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/[^:]*$/);
    const ids = operationsOf(doc).map((op) => {
      const [method, path] = op.split(' ');
      return doc.paths[path!]![method!.toLowerCase()]!.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('documents exactly the routes the app serves under /v1, /npm and /marketplace, and the other API routes exist', async () => {
    const doc = await fetchDocument();
    const served = new Set(
      r.app.routes
        .filter((route) => route.method !== 'ALL')
        .map((route) => `${route.method} ${openApiPath(routeTemplate(route.path))}`),
    );
    const documented = new Set(operationsOf(doc));
    const v1 = (ops: Set<string>) =>
      [...ops].filter((op) => /^\/(v1\/|npm\/|marketplace)/.test(op.split(' ')[1]!)).sort();
    expect(v1(documented)).toEqual(v1(served));
    for (const op of documented) expect(served, op).toContain(op);
    for (const op of ['GET /.well-known/agent-skills/index.json', 'GET /metrics', 'GET /openapi.json']) {
      expect(documented).toContain(op);
    }
    // Web pages are not part of the API.
    expect(documented).not.toContain('GET /search');
  });

  test('every path parameter is declared, and every $ref resolves', async () => {
    const doc = await fetchDocument();
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(methods)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared, `${path}`).toEqual(inPath);
      }
    }
    const refs = JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/(\w+)"/g);
    for (const [, kind, name] of refs) {
      expect(doc.components[kind as 'schemas' | 'responses'], `${kind}/${name}`).toHaveProperty(name!);
    }
  });

  test('publish and bundle reads use the schemas the registry validates and answers with', async () => {
    const doc = await fetchDocument();
    const publish = doc.paths['/v1/bundles/{name}']!.put!;
    expect(Object.keys(publish.requestBody!.content)).toContain('application/gzip');
    expect(publish.responses['201']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/PublishResult',
    });
    expect(publish.responses['422']).toEqual({ $ref: '#/components/responses/Error422' });
    const get = doc.paths['/v1/bundles/{name}']!.get!;
    expect(get.responses['200']!.content!['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/BundleDocument',
    });
    expect(get.responses).toHaveProperty('304');

    const schemas = doc.components.schemas;
    expect(schemas.PublishResult).toEqual(zodJson(publishResultSchema, 'output'));
    expect(schemas.BundleDocument).toEqual(zodJson(bundleDocumentSchema, 'output'));
    expect(schemas.VersionDocument).toEqual(zodJson(versionDocumentSchema, 'output'));
    expect(schemas.ErrorEnvelope).toEqual(zodJson(errorEnvelopeSchema, 'output'));
    // Request bodies are the input side: defaulted fields are optional.
    expect(schemas.TokenRequest).toEqual(zodJson(tokenRequestSchema, 'input'));
    expect(schemas.TokenRequest).not.toEqual(zodJson(tokenRequestSchema, 'output'));
    expect(doc.paths['/v1/tokens']!.post!.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/TokenRequest',
    });
  });

  test('error statuses answer with the error envelope', async () => {
    const doc = await fetchDocument();
    for (const [name, response] of Object.entries(doc.components.responses)) {
      expect(response, name).toEqual(
        expect.objectContaining({
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        }),
      );
    }
    expect(doc.components.responses.Error409).toEqual(
      expect.objectContaining({ description: expect.stringContaining('VERSION_EXISTS') }),
    );
  });

  test('is served with an ETag, 304 on a match, and the same bytes each time', async () => {
    const first = await r.call('GET', '/openapi.json');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await r.call('GET', '/openapi.json');
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe(await first.text());
    const cached = await r.call('GET', '/openapi.json', { headers: { 'if-none-match': etag! } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
  });
});

describe('route templates', () => {
  test('scoped and plain bundle patterns read the same; constraints are dropped', () => {
    expect(routeTemplate('/v1/bundles/:scope{@[^/]+}/:name')).toBe('/v1/bundles/:name');
    expect(routeTemplate('/v1/bundles/:name{[^@/][^/]*}')).toBe('/v1/bundles/:name');
    expect(routeTemplate('/v1/bundles/:scope{@[^/]+}/:name/:version{[0-9][^/]*}/yank')).toBe(
      '/v1/bundles/:name/:version/yank',
    );
    expect(routeTemplate('/v1/scopes/:scope/owners/:user')).toBe('/v1/scopes/:scope/owners/:user');
    expect(openApiPath('/v1/bundles/:name/-/:file')).toBe('/v1/bundles/{name}/-/{file}');
  });

  test('a component used both as request and response is refused at build time', () => {
    expect(() =>
      buildOpenApiDocument([
        {
          method: 'post',
          path: '/v1/x',
          operationId: 'x',
          summary: 'x',
          tag: 'operations',
          auth: 'none',
          body: { schema: publishResultSchema },
          responses: { 200: { description: 'x', schema: publishResultSchema } },
          errors: [],
        },
      ]),
    ).toThrow(/PublishResult/);
  });
});
