import { afterEach, describe, expect, test } from 'vitest';
import type { Store } from '../src/db/store.ts';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { createInProcessPool } from '../src/uploads/upload-pool.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/**
 * A publish stages its blob (the temp file and its fsync, the slow part of a put) while it claims
 * name@version, and only the claim's holder places it: the order of the steps, recorded.
 */

let r: TestRegistry | undefined;
afterEach(() => r?.close());

function recorded() {
  const events: string[] = [];
  const blobs = (inner: BlobStore): BlobStore => ({
    ...inner,
    put: async (digest, bytes) => {
      events.push('put');
      return inner.put(digest, bytes);
    },
    stage: async (digest, bytes) => {
      events.push('stage');
      const staged = await inner.stage!(digest, bytes);
      events.push('staged');
      return {
        place: async () => {
          events.push('place');
          return staged.place();
        },
        discard: async () => {
          events.push('discard');
          return staged.discard();
        },
      };
    },
  });
  const store = (inner: Store): Store => ({
    ...inner,
    reservePublish: async (claim) => {
      events.push('claim');
      const out = await inner.reservePublish(claim);
      events.push('ok' in out ? 'claimed' : 'refused');
      return out;
    },
    commitPublish: async (input, audit) => {
      events.push('commit');
      return inner.commitPublish(input, audit);
    },
  });
  return { events, wrap: { blobs, store } };
}

describe('a publish stages its blob alongside the claim', () => {
  test('staging starts before the claim; placing waits for it and comes before the commit', async () => {
    const { events, wrap } = recorded();
    r = await makeTestRegistry({ uploadPool: createInProcessPool() }, wrap);
    const alice = await r.user('alice');
    expect((await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    expect(events.indexOf('stage')).toBeLessThan(events.indexOf('claim'));
    const after = events.slice(events.indexOf('claimed')).filter((e) => e !== 'staged');
    expect(after).toEqual(['claimed', 'place', 'commit']);
    expect(events.indexOf('staged')).toBeLessThan(events.indexOf('place'));
    expect(events).not.toContain('put');
    expect(events).not.toContain('discard');
    expect(await r.blobFiles()).toHaveLength(1);
  });

  test('a refused claim discards the staged blob and never places it', async () => {
    const { events, wrap } = recorded();
    r = await makeTestRegistry({ uploadPool: createInProcessPool() }, wrap);
    const alice = await r.user('alice');
    expect((await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    const before = await r.blobFiles();
    events.length = 0;
    // Other bytes for the same version: the claim refuses (no Skills-Bundle-Version header, so
    // nothing refused it before the body).
    const res = await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0', { description: 'Other' }));
    expect(res.status).toBe(409);
    expect(events).toContain('refused');
    expect(events).toContain('discard');
    expect(events).not.toContain('place');
    expect(events).not.toContain('commit');
    expect(await r.blobFiles()).toEqual(before);
  });
});
