import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { openSqlite } from '../src/db/sqlite/connection.ts';
import { createGate } from '../src/db/sqlite/gate.ts';

/**
 * SQLite runs async transaction bodies on one synchronous connection (sqlite/connection.ts):
 * BEGIN, the awaited body, COMMIT, with the connection held by the gate meanwhile. These prove
 * the gate's ordering and that no other call of the process runs inside an open transaction.
 */

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets every queued continuation run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('the SQLite gate', () => {
  test('shared calls run together; an exclusive one waits for them, and later shared ones wait for it', async () => {
    const gate = createGate();
    const log: string[] = [];
    /** A call body that logs its start, waits for `until`, then logs its end. */
    const step = (label: string, until: Promise<void>) => async () => {
      log.push(`${label} start`);
      await until;
      log.push(`${label} end`);
    };
    const r1 = deferred();
    const r2 = deferred();
    const w = deferred();
    const a = gate.shared(step('r1', r1.promise));
    const b = gate.shared(step('r2', r2.promise));
    const c = gate.exclusive(step('w', w.promise));
    // Arrives after the waiting exclusive call: served after it, never ahead of it.
    const d = gate.shared(async () => {
      log.push('r3');
    });
    await settle();
    expect(log).toEqual(['r1 start', 'r2 start']);
    r1.resolve();
    await settle();
    expect(log).toEqual(['r1 start', 'r2 start', 'r1 end']);
    r2.resolve();
    await settle();
    expect(log).toEqual(['r1 start', 'r2 start', 'r1 end', 'r2 end', 'w start']);
    w.resolve();
    await Promise.all([a, b, c, d]);
    expect(log).toEqual(['r1 start', 'r2 start', 'r1 end', 'r2 end', 'w start', 'w end', 'r3']);
  });

  test('a shared call that throws, even before its first await, leaves the gate free', async () => {
    const gate = createGate();
    const hold = deferred();
    const held = gate.exclusive(() => hold.promise);
    const waiting = gate.shared(() => {
      throw new Error('thrown at once');
    });
    hold.resolve();
    await held;
    await expect(waiting).rejects.toThrow('thrown at once');
    await expect(
      gate.shared(() => {
        throw new Error('on the fast path');
      }),
    ).rejects.toThrow('on the fast path');
    let ran = false;
    await gate.exclusive(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(gate.exclusiveHeld).toBe(false);
  });

  test('exclusive calls run one at a time, in arrival order, and a throwing one releases the gate', async () => {
    const gate = createGate();
    const log: string[] = [];
    const first = deferred();
    const a = gate.exclusive(async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      throw new Error('a failed');
    });
    const b = gate.exclusive(async () => {
      log.push('b');
    });
    await settle();
    expect(log).toEqual(['a start']);
    first.resolve();
    await expect(a).rejects.toThrow('a failed');
    await b;
    expect(log).toEqual(['a start', 'a end', 'b']);
  });
});

describe('SQLite units of work', () => {
  const user = (username: string) => ({
    username,
    passwordHash: null,
    email: null,
    admin: false,
    createdAt: '2030-01-01T00:00:00.000Z',
  });

  test('a read issued while a write is open waits for its commit and never sees it half-done', async () => {
    const d = openSqlite(':memory:');
    const { users } = d.tables;
    const hold = deferred();
    const write = d.write(async (q) => {
      await q.insert(users).values(user('alice'));
      await hold.promise;
      await q.insert(users).values(user('bob'));
    });
    let seen: string[] | undefined;
    const read = d.run(async (q) => {
      seen = (await q.select().from(users)).map((u) => u.username).sort();
    });
    await settle();
    expect(seen).toBeUndefined();
    hold.resolve();
    await Promise.all([write, read]);
    expect(seen).toEqual(['alice', 'bob']);
    await d.close();
  });

  test('a body that throws rolls back every row it wrote, and the next write starts clean', async () => {
    const d = openSqlite(':memory:');
    const { users } = d.tables;
    const failed = d.write(async (q) => {
      await q.insert(users).values(user('alice'));
      throw new Error('refused half-way');
    });
    const next = d.write(async (q) => {
      await q.insert(users).values(user('carol'));
    });
    await expect(failed).rejects.toThrow('refused half-way');
    await next;
    const names = await d.run(async (q) => (await q.select().from(users)).map((u) => u.username));
    expect(names).toEqual(['carol']);
    const alice = await d.run(async (q) => q.select().from(users).where(eq(users.username, 'alice')));
    expect(alice).toEqual([]);
    await d.close();
  });
});
