import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/deps.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 17 (abuse), for searches: one bucket per client address, shared by both doors. */

let r: TestRegistry;
afterEach(() => r?.close());

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

describe('row 17: search floods', () => {
  test('300 rapid searches from one address: the default burst passes, the rest are 429 with Retry-After', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    r = await makeTestRegistry({ rateLimits: {}, trustProxy: true, clock: () => now });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 300; i++) {
      const res = await r.call('GET', `/v1/search?q=tool${i}`, from('203.0.113.7'));
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      }
    }
    const burst = DEFAULT_RATE_LIMITS.search.capacity;
    expect(burst).toBeGreaterThanOrEqual(60);
    expect(statuses.filter((s) => s === 200)).toHaveLength(burst);
    expect(statuses.slice(burst).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another client is not held back by the first.
    expect((await r.call('GET', '/v1/search?q=x', from('203.0.113.8'))).status).toBe(200);
    // The marketplace page draws from the same bucket.
    expect((await r.call('GET', '/search?q=x', from('203.0.113.7'))).status).toBe(429);
    // A minute later the bucket has refilled by 120 (2 a second): a person or a CI job never waits long.
    now = new Date('2030-01-01T00:01:00Z');
    const again: number[] = [];
    for (let i = 0; i < 121; i++)
      again.push((await r.call('GET', '/v1/search?q=x', from('203.0.113.7'))).status);
    expect(again.slice(0, 120).every((s) => s === 200)).toBe(true);
    expect(again[120]).toBe(429);
  });

  test('the limit is configurable and `false` turns it off', async () => {
    r = await makeTestRegistry({
      rateLimits: { search: { capacity: 2, refillMs: 60_000 } },
      trustProxy: true,
    });
    const one = () => r.call('GET', '/search?q=x', from('198.51.100.1'));
    expect((await one()).status).toBe(200);
    expect((await r.call('GET', '/v1/search', from('198.51.100.1'))).status).toBe(200);
    const limited = await one();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    await r.close();
    r = await makeTestRegistry({ rateLimits: false });
    for (let i = 0; i < 200; i++) expect((await r.call('GET', '/v1/search?q=x')).status).toBe(200);
  });
});
