import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { createPgStore } from '../src/db/pg/pg-store.ts';
import type { Store } from '../src/db/store.ts';
import type { BlobStore } from '../src/storage/blob-store.ts';
import { createInProcessPool } from '../src/uploads/upload-pool.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/**
 * A publish stages its blob (the temp file and its fsync, the slow part of a put) while it claims
 * name@version; only the claim's holder places it, and the version commits only once the blob is
 * placed (on PostgreSQL the commit's statements run meanwhile). The order of the steps, recorded,
 * with the test holding `place` open.
 */

const url = PG_URL;
const newSchema = useTestSchemas();

let r: TestRegistry | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** Wraps blobs and store to record each step; `release()` lets the held `place` go on. */
function recorded(options: { failPlace?: boolean } = {}) {
  const events: string[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
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
          await held;
          if (options.failPlace) throw new Error('EIO');
          await staged.place();
          events.push('placed');
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
      const out = await inner.commitPublish(input, audit);
      events.push('committed');
      return out;
    },
  });
  return { events, wrap: { blobs, store }, release };
}

/** Polls `done()` every few milliseconds, at most `polls` times (a bound, not a measurement). */
async function until(done: () => boolean | Promise<boolean>, polls = 4000): Promise<void> {
  for (let i = 0; i < polls && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a publish stages its blob alongside the claim', () => {
  test('staging starts before the claim; the version commits only once the blob is placed', async () => {
    const { events, wrap, release } = recorded();
    r = await makeTestRegistry({ uploadPool: createInProcessPool() }, wrap);
    const alice = await r.user('alice');
    const publishing = r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    try {
      await until(() => events.includes('place'));
      expect(events.indexOf('stage')).toBeLessThan(events.indexOf('claim'));
      expect(events.indexOf('claimed')).toBeLessThan(events.indexOf('place'));
      // Held: nothing is visible yet.
      await until(() => false, 20);
      expect(events).not.toContain('committed');
      expect(await r.store.getVersion('tool', '1.0.0')).toBeUndefined();
    } finally {
      release();
    }
    expect((await publishing).status).toBe(201);
    expect(events.indexOf('placed')).toBeLessThan(events.indexOf('committed'));
    expect(events).not.toContain('put');
    expect(events).not.toContain('discard');
    expect(await r.blobFiles()).toHaveLength(1);
  });

  test('a refused claim discards the staged blob and never places it', async () => {
    const { events, wrap, release } = recorded();
    release();
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

  test('a version another request commits between the claim and the commit: the loser deletes its placed blob', async () => {
    // The claim takes no lock: another request can commit name@version between this claim's
    // check and its upsert, and this commit then finds the version there. Played out here: the
    // loser's commit releases its claim, lets the winner publish, and answers as the store would.
    let publishWinner = async () => {};
    const wrap = {
      store: (inner: Store): Store => ({
        ...inner,
        commitPublish: async (input, audit) => {
          if (input.document.description !== 'Loser') return inner.commitPublish(input, audit);
          await inner.releasePublish({ name: input.name, version: input.version, nonce: input.nonce });
          await publishWinner();
          return { refused: 'VERSION_EXISTS' as const };
        },
      }),
    };
    r = await makeTestRegistry({ uploadPool: createInProcessPool() }, wrap);
    const world = r;
    const alice = await world.user('alice');
    let won = 0;
    publishWinner = async () => {
      won = (await world.publish(alice, 'tool', bundleTarball('tool', '1.0.0', { description: 'Winner' })))
        .status;
    };
    const lost = await world.publish(alice, 'tool', bundleTarball('tool', '1.0.0', { description: 'Loser' }));
    expect({ lost: lost.status, won }).toEqual({ lost: 409, won: 201 });
    // The loser's bytes were placed under their digest, and are gone; the winner's stay.
    expect(await world.blobFiles()).toHaveLength(1);
    expect((await world.store.getVersion('tool', '1.0.0'))?.document.description).toBe('Winner');
  });

  test.skipIf(!url)(
    'PostgreSQL: the commit sends its statements while the blob is placed, COMMIT after',
    async () => {
      const schema = newSchema();
      const store = await createPgStore({ url: url!, schema, maxConnections: 4 });
      const { events, wrap, release } = recorded();
      // An overriding store is taken as given: wrapped here.
      r = await makeTestRegistry(
        { store: wrap.store(store), uploadPool: createInProcessPool() },
        { blobs: wrap.blobs },
      );
      const alice = await r.user('alice');
      const sent: string[] = [];
      const query = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const config = args[0] as string | { text: string };
        sent.push(typeof config === 'string' ? config : config.text);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      try {
        const publishing = r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
        // The commit's last statement, the audit entry, goes out while the blob is held.
        const audited = () => sent.some((text) => text.startsWith('insert into "audit_log"'));
        try {
          await until(audited);
          expect(audited()).toBe(true);
          expect(events).toContain('place');
          expect(events).not.toContain('placed');
          expect(sent).not.toContain('COMMIT');
        } finally {
          release();
        }
        expect((await publishing).status).toBe(201);
        expect(events.indexOf('placed')).toBeLessThan(events.indexOf('committed'));
        expect(sent.at(-1)).toBe('COMMIT');
      } finally {
        pg.Client.prototype.query = query;
      }
    },
  );

  test.skipIf(!url)('PostgreSQL: a blob that fails to be placed rolls the commit back', async () => {
    const schema = newSchema();
    const store = await createPgStore({ url: url!, schema, maxConnections: 4 });
    const { events, wrap, release } = recorded({ failPlace: true });
    release();
    r = await makeTestRegistry(
      { store: wrap.store(store), uploadPool: createInProcessPool() },
      { blobs: wrap.blobs },
    );
    const alice = await r.user('alice');
    const res = await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    expect(res.status).toBe(500);
    expect(events).toContain('commit');
    expect(events).not.toContain('committed');
    expect(await store.getVersion('tool', '1.0.0')).toBeUndefined();
    expect(await store.getBundle('tool')).toBeUndefined();
    expect(await r.blobFiles()).toEqual([]);
    // The claim was released: the same version publishes at once.
    const again = await makeTestRegistry({ store, uploadPool: createInProcessPool() });
    try {
      const token = await again.user('alice');
      expect((await again.publish(token, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    } finally {
      await again.close();
    }
  });
});
