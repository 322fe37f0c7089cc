import { describe, expect, test } from 'vitest';
import { isOutage } from '../src/http/outage.ts';
import { type BlobStore, BlobStoreUnavailableError, stageBlob } from '../src/storage/blob-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry } from './helpers/test-registry.ts';

/** A backing service out of reach is a 503 the client may retry, never a 500 or a half-write. */

function breakable() {
  let broken = false;
  const wrap = (inner: BlobStore): BlobStore => {
    const fail = () => Promise.reject(new BlobStoreUnavailableError('S3 is unavailable while testing'));
    return {
      ...inner,
      put: (d, b) => (broken ? fail() : inner.put(d, b)),
      stage: (d, b) => (broken ? fail() : stageBlob(inner, d, b)),
      get: (d) => (broken ? fail() : inner.get(d)),
      stream: (d) => (broken ? fail() : inner.stream(d)),
    };
  };
  return { wrap, set: (b: boolean) => (broken = b) };
}

describe('outages', () => {
  test('blob storage away: publish is 503 with Retry-After and leaves no version; back: it works', async () => {
    const blobs = breakable();
    const reg = await makeTestRegistry({}, { blobs: blobs.wrap });
    const token = await reg.user('alice');
    blobs.set(true);
    const refused = await reg.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect((await reg.call('GET', '/v1/bundles/tool')).status).toBe(404);
    expect(reg.logs.some((l) => l.level === 'warn' && l.msg === 'backing service unavailable')).toBe(true);
    blobs.set(false);
    expect((await reg.publish(token, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    await reg.close();
  });

  test.each([
    [
      'a terminated PostgreSQL backend',
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    ],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a connection closed under a query', new Error('Connection terminated unexpectedly')],
    [
      'one wrapped by the query builder',
      new Error('Failed query', { cause: Object.assign(new Error('lost'), { code: '08006' }) }),
    ],
  ])('%s is an outage', (_, error) => {
    expect(isOutage(error)).toBe(true);
  });

  test('a bug is not an outage', () => {
    expect(isOutage(new TypeError('x is undefined'))).toBe(false);
    expect(isOutage(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});
