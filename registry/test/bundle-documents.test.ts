import {
  bundleDocumentSchema,
  bundleDocumentsResponseSchema,
  MAX_DOCUMENTS_PER_REQUEST,
} from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
});
afterEach(() => r.close());

const many = (json: unknown) => r.call('POST', '/v1/bundles/-/documents', { json });

describe('POST /v1/bundles/-/documents', () => {
  test('answers each name as GET /v1/bundles/NAME does, missing ones per name, in the order asked', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    await r.publish(token, '@alice/kit', bundleTarball('@alice/kit', '2.0.0'));
    const res = await many({ names: ['@alice/kit', 'nothing-here', 'tool'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = bundleDocumentsResponseSchema.parse(await res.json());
    expect(Object.keys(body.results)).toEqual(['@alice/kit', 'nothing-here', 'tool']);
    for (const name of ['tool', '@alice/kit']) {
      const single = await r.call('GET', `/v1/bundles/${name}`);
      expect(body.results[name]).toEqual({
        status: 200,
        etag: single.headers.get('etag'),
        document: bundleDocumentSchema.parse(await single.json()),
      });
    }
    expect(body.results['nothing-here']).toEqual({
      status: 404,
      error: { code: 'NOT_FOUND', message: 'no bundle named nothing-here' },
    });
  });

  test('an entry whose ifNoneMatch still matches is a 304 without the document, read without the snapshot', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    await r.publish(token, 'other', bundleTarball('other', '1.0.0'));
    const etag = (await r.call('GET', '/v1/bundles/tool')).headers.get('etag')!;
    let snapshots = 0;
    const getBundle = r.store.getBundle;
    r.store.getBundle = async (name) => {
      snapshots++;
      return getBundle(name);
    };
    const res = await many({ names: ['tool', 'other'], ifNoneMatch: { tool: etag, other: '"0-0"' } });
    const body = bundleDocumentsResponseSchema.parse(await res.json());
    expect(body.results.tool).toEqual({ status: 304, etag });
    expect(body.results.other?.status).toBe(200);
    // `other` was built once (the cache was empty for it); `tool` not at all.
    expect(snapshots).toBe(1);
  });

  test(`refuses more than ${MAX_DOCUMENTS_PER_REQUEST} names, none, a name twice or a bad name with 400 naming the problem`, async () => {
    const names = Array.from({ length: MAX_DOCUMENTS_PER_REQUEST + 1 }, (_, i) => `b${i}`);
    const cases: [unknown, RegExp][] = [
      [{ names }, new RegExp(`names: at most ${MAX_DOCUMENTS_PER_REQUEST} names per request`)],
      [{ names: [] }, /names: ask for at least one name/],
      [{ names: ['a', 'a'] }, /names: each name at most once/],
      [{ names: ['Not A Name'] }, /names\[0\]/],
      [{ names: ['a'], extra: 1 }, /extra/],
    ];
    for (const [json, message] of cases) {
      const res = await many(json);
      expect(res.status, JSON.stringify(json).slice(0, 60)).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
    // Exactly the limit is fine.
    expect((await many({ names: names.slice(0, MAX_DOCUMENTS_PER_REQUEST) })).status).toBe(200);
  });
});
