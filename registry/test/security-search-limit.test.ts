import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import type { Store } from '../src/db/store.ts';
import { DEFAULT_RATE_LIMITS } from '../src/deps.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 17 (abuse), for searches: one bucket per client address, shared by both doors. */

let r: TestRegistry;
afterEach(() => r?.close());

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

describe('row 17: search floods', () => {
  test('300 rapid searches from one address: the default burst passes, the rest are 429 with Retry-After', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    let takes = 0;
    const counted = (store: Store): Store => ({
      ...store,
      takeRateLimit: (input) => {
        takes++;
        return store.takeRateLimit(input);
      },
    });
    r = await makeTestRegistry({ rateLimits: {}, trustProxy: true, clock: () => now }, { store: counted });
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
    // The store is asked once per lease of 10 and once for the refusal, which is then remembered
    // until its Retry-After: 13 bucket writes for 300 searches, not 300.
    expect(DEFAULT_RATE_LIMITS.search.lease).toBe(10);
    expect(takes).toBe(burst / 10 + 1);
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

  test('two processes on one database share the bucket: together they pass the burst, no more', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'search-limit-'));
    const now = new Date('2030-01-01T00:00:00Z');
    const stores = [0, 1].map(() => createSqliteStore({ path: join(dir, 'registry.db') }));
    try {
      const apps = stores.map((store) =>
        createApp({
          store,
          blobs: createMemoryBlobStore(),
          signer: createEphemeralSigner(),
          rateLimits: {},
          trustProxy: true,
          clock: () => now,
        }),
      );
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) {
        const res = await apps[i % 2]!.request(`/v1/search?q=x${i}`, from('203.0.113.9'));
        statuses.push(res.status);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_RATE_LIMITS.search.capacity);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('concurrent searches share the leases they race for: the burst passes whole, then 429', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    r = await makeTestRegistry({ rateLimits: {}, trustProxy: true, clock: () => now });
    const burst = DEFAULT_RATE_LIMITS.search.capacity;
    const wave = async (n: number) =>
      Promise.all(
        Array.from(
          { length: n },
          async (_, i) => (await r.call('GET', `/v1/search?q=w${i}`, from('203.0.113.5'))).status,
        ),
      );
    const first = await wave(32);
    expect(first.every((s) => s === 200)).toBe(true);
    const rest = await wave(200);
    expect(rest.filter((s) => s === 200)).toHaveLength(burst - 32);
    expect(rest.filter((s) => s === 429)).toHaveLength(200 - (burst - 32));
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
