import { errorEnvelopeSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** Every failure is the envelope with a request id; bad input is never a 5xx. */

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
  await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
});
afterEach(() => r.close());

async function envelope(res: Response) {
  const body = errorEnvelopeSchema.parse(await res.json());
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  return body.error;
}

describe('the error envelope', () => {
  test('unknown routes and methods are 404 NOT_FOUND', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/v1'],
      ['POST', '/v1/health'],
      ['PATCH', '/v1/bundles/tool'],
    ]) {
      const res = await r.call(method!, path!);
      expect(res.status).toBe(404);
      expect((await envelope(res)).code).toBe('NOT_FOUND');
    }
  });

  test('a sane incoming X-Request-Id is kept; an odd one is replaced', async () => {
    const kept = await r.call('GET', '/nope', { headers: { 'x-request-id': 'abc-123' } });
    expect((await envelope(kept)).requestId).toBe('abc-123');
    const replaced = await r.call('GET', '/nope', {
      headers: { 'x-request-id': 'bad id\u0007'.replace('\u0007', '!') },
    });
    expect((await envelope(replaced)).requestId).not.toBe('bad id!');
  });

  test('every answer carries X-Request-Id and nosniff: API, error, 304, tarball, marketplace', async () => {
    const doc = await r.call('GET', '/v1/bundles/tool');
    const etag = doc.headers.get('etag')!;
    const tarball = ((await doc.json()) as { versions: Record<string, { tarball: string }> }).versions[
      '1.0.0'
    ]!.tarball;
    for (const [path, init, status] of [
      ['/v1/health', {}, 200],
      ['/v1/bundles/tool', { headers: { 'if-none-match': etag } }, 304],
      [new URL(tarball).pathname, {}, 200],
      ['/v1/bundles/nope', {}, 404],
      ['/v1/bundles/Tool', {}, 400],
      ['/nope', {}, 404],
      ['/', {}, 200],
      ['/bundles/tool', {}, 200],
    ] as const) {
      const res = await r.call('GET', path, init);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('x-request-id'), path).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  test('bad names, versions and files are 4xx', async () => {
    const cases: [string, string, number][] = [
      ['GET', '/v1/bundles/Tool', 400],
      ['GET', '/v1/bundles/tool_x', 400],
      ['GET', `/v1/bundles/${'a'.repeat(200)}`, 400],
      ['GET', '/v1/bundles/@/x', 404],
      ['GET', '/v1/bundles/@acme', 404],
      ['GET', '/v1/bundles/@Acme/x', 400],
      ['GET', '/v1/bundles/tool/1.0', 404],
      ['GET', '/v1/bundles/tool/1.0.0.0', 404],
      ['GET', '/v1/bundles/tool/-/..%2F..%2Fetc%2Fpasswd', 404],
      ['GET', '/v1/bundles/%E0%A4%A', 400],
      ['GET', '/v1/bundles/tool/%ZZ', 404],
      ['PUT', '/v1/bundles/Bad..Name', 400],
      ['POST', '/v1/bundles/tool/not-a-version/yank', 404],
    ];
    for (const [method, path, status] of cases) {
      const withBody = method === 'GET' ? {} : { body: 'x', headers: { 'content-type': 'application/gzip' } };
      const res = await r.call(method, path, { token, ...withBody });
      expect(res.status, `${method} ${path}`).toBe(status);
      await envelope(res);
    }
  });

  test('malformed JSON and wrong shapes are 400 naming the field', async () => {
    const bad = await r.call('PUT', '/v1/bundles/tool/dist-tags/beta', {
      token,
      body: '{"version":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect((await envelope(bad)).message).toMatch(/JSON/);
    const shape = await r.call('PUT', '/v1/bundles/tool/dist-tags/beta', { token, json: { version: 12 } });
    expect(shape.status).toBe(400);
    expect((await envelope(shape)).message).toMatch(/^version/);
  });

  test('a publish with the wrong media type is 415', async () => {
    const res = await r.call('PUT', '/v1/bundles/tool', {
      token,
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect((await envelope(res)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('an internal failure is a bare 500 with a request id, logged with its stack', async () => {
    r.store.getBundle = async () => {
      throw new Error('secret detail from the database');
    };
    const res = await r.call('GET', '/v1/bundles/tool');
    expect(res.status).toBe(500);
    const error = await envelope(res);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toContain('secret');
    expect(r.logs.some((l) => l.level === 'error' && String(l.error).includes('secret detail'))).toBe(true);
  });

  test('every request is logged once with its id', async () => {
    const res = await r.call('GET', '/v1/health', { headers: { 'x-request-id': 'log-me' } });
    expect(res.status).toBe(200);
    expect(r.logs.filter((l) => l.requestId === 'log-me')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request',
        method: 'GET',
        path: '/v1/health',
        status: 200,
      }),
    ]);
  });
});
