import { describe, expect, test } from 'vitest';
import { addUser, audit, type MakeStore, T0 } from './fixtures.ts';

/** Users, tokens, rate limits, signing keys and the audit log. */
export function accountContract(makeStore: MakeStore): void {
  describe('users and tokens', () => {
    test('a username is created once', async () => {
      const store = await makeStore();
      const user = {
        username: 'alice',
        passwordHash: 'scrypt$x',
        email: 'a@example.com',
        admin: false,
        createdAt: T0,
      };
      expect(await store.createUser(user, audit())).toBe('created');
      expect(await store.createUser({ ...user, admin: true }, audit())).toBe('exists');
      expect(await store.getUser('alice')).toEqual(user);
      expect(await store.getUser('bob')).toBeUndefined();
      await store.close();
    });

    test('a username that looks like an existing one is refused and leaves nothing', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      for (const username of ['a-lice', 'aiice', 'al1ce', 'a1ice']) {
        expect(
          await store.createUser(
            { username, passwordHash: null, email: null, admin: false, createdAt: T0 },
            audit(),
          ),
        ).toEqual({ lookAlike: 'alice' });
        expect(await store.getUser(username)).toBeUndefined();
      }
      expect(
        await store.createUser(
          { username: 'alicia', passwordHash: null, email: null, admin: false, createdAt: T0 },
          audit(),
        ),
      ).toBe('created');
      expect((await store.listAudit()).map((e) => e.target)).toEqual(['~alicia', '~alice']);
      await store.close();
    });

    test('tokens are found by hash, listed without revoked ones, revoked once, touched', async () => {
      const store = await makeStore();
      await addUser(store, 'alice', true);
      const token = {
        id: 't1',
        username: 'alice',
        hash: 'a'.repeat(64),
        prefix: 'sk_abcdefg',
        scope: 'publish' as const,
        name: 'laptop',
        expiresAt: null,
        createdAt: T0,
        lastUsedAt: null,
        revokedAt: null,
        parentId: null,
      };
      await store.createToken(token, audit('alice'));
      await store.createToken(
        { ...token, id: 't2', hash: 'b'.repeat(64), scope: 'read', name: null },
        audit('alice'),
      );
      expect(await store.findToken('a'.repeat(64))).toEqual({ ...token, admin: true });
      expect(await store.findToken('c'.repeat(64))).toBeUndefined();
      expect((await store.listTokens('alice')).map((t) => t.id)).toEqual(['t1', 't2']);
      expect(await store.revokeToken({ username: 'bob', id: 't1' }, audit('bob'))).toBe(false);
      expect(await store.revokeToken({ username: 'alice', id: 't1' }, audit('alice'))).toBe(true);
      expect(await store.revokeToken({ username: 'alice', id: 't1' }, audit('alice'))).toBe(false);
      expect((await store.findToken('a'.repeat(64)))?.revokedAt).toBe(T0);
      expect((await store.listTokens('alice')).map((t) => t.id)).toEqual(['t2']);
      await store.touchToken('t2', '2030-01-01T00:05:00.000Z');
      await store.touchToken('t2', '2030-01-01T00:05:30.000Z');
      expect((await store.findToken('b'.repeat(64)))?.lastUsedAt).toBe('2030-01-01T00:05:00.000Z');
      await store.touchToken('t2', '2030-01-01T00:07:00.000Z');
      expect((await store.findToken('b'.repeat(64)))?.lastUsedAt).toBe('2030-01-01T00:07:00.000Z');
      const actions = (await store.listAudit({ target: '~alice' })).map((e) => e.action);
      expect(actions).toEqual(['token.revoke', 'token.create', 'token.create', 'user.create']);
      await store.close();
    });
  });

  describe('tokens minted from tokens', () => {
    test('revoking a token revokes every token minted from it, at any depth, and only those', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      const make = (id: string, parentId: string | null) =>
        store.createToken(
          {
            id,
            username: 'alice',
            hash: id.padEnd(64, '0'),
            prefix: 'sk_x',
            scope: 'publish',
            name: null,
            expiresAt: null,
            createdAt: T0,
            lastUsedAt: null,
            revokedAt: null,
            parentId,
          },
          audit('alice'),
        );
      // root → child → grandchild; root → sibling; other stands alone.
      expect(await make('root', null)).toBe(true);
      expect(await make('child', 'root')).toBe(true);
      expect(await make('grand', 'child')).toBe(true);
      expect(await make('sibling', 'root')).toBe(true);
      expect(await make('other', null)).toBe(true);
      expect((await store.findToken('child'.padEnd(64, '0')))?.parentId).toBe('root');
      expect(await store.revokeToken({ username: 'alice', id: 'child' }, audit('alice'))).toBe(true);
      expect((await store.listTokens('alice')).map((t) => t.id).sort()).toEqual(['other', 'root', 'sibling']);
      expect(await store.revokeToken({ username: 'alice', id: 'root' }, audit('alice'))).toBe(true);
      expect((await store.listTokens('alice')).map((t) => t.id)).toEqual(['other']);
      // A revoked token mints nothing, even when its revocation lands between check and insert.
      expect(await make('late', 'root')).toBe(false);
      expect(await make('late', 'grand')).toBe(false);
      expect(await store.findToken('late'.padEnd(64, '0'))).toBeUndefined();
      const revokes = (await store.listAudit({ target: '~alice' })).filter(
        (e) => e.action === 'token.revoke',
      );
      expect(revokes.map((e) => e.detail)).toEqual([
        { id: 'root', minted: 1 },
        { id: 'child', minted: 1 },
      ]);
      await store.close();
    });
  });

  describe('rate limits', () => {
    test('a bucket empties, refuses with a retry time, and refills with time', async () => {
      const store = await makeStore();
      const take = (nowMs: number) => store.takeRateLimit({ key: 'k', capacity: 2, refillMs: 10_000, nowMs });
      expect(await take(0)).toEqual({ allowed: true, granted: 1 });
      expect(await take(0)).toEqual({ allowed: true, granted: 1 });
      expect(await take(1000)).toEqual({ allowed: false, retryAfterSeconds: 9 });
      expect(await take(10_000)).toEqual({ allowed: true, granted: 1 });
      expect(await take(10_000)).toMatchObject({ allowed: false });
      expect(await store.takeRateLimit({ key: 'other', capacity: 1, refillMs: 1000, nowMs: 10_000 })).toEqual(
        { allowed: true, granted: 1 },
      );
      await store.close();
    });

    test('a lease takes up to `take` whole tokens at once, never more than the bucket holds', async () => {
      const store = await makeStore();
      const lease = (nowMs: number) =>
        store.takeRateLimit({ key: 'k', capacity: 25, refillMs: 1000, nowMs, take: 10 });
      expect(await lease(0)).toEqual({ allowed: true, granted: 10 });
      expect(await lease(0)).toEqual({ allowed: true, granted: 10 });
      expect(await lease(0)).toEqual({ allowed: true, granted: 5 });
      expect(await lease(0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
      // 2.5 tokens back: two whole ones are leased, half a token stays in the bucket.
      expect(await lease(2500)).toEqual({ allowed: true, granted: 2 });
      expect(await lease(3000)).toEqual({ allowed: true, granted: 1 });
      await store.close();
    });
  });

  describe('signing keys and audit', () => {
    test('keys register once and list in order', async () => {
      const store = await makeStore();
      const k1 = { keyid: 'sha256:1', publicKey: 'AAA', createdAt: T0 };
      const k2 = { keyid: 'sha256:2', publicKey: 'BBB', createdAt: '2031-01-01T00:00:00.000Z' };
      await store.registerSigningKey(k2);
      await store.registerSigningKey(k1);
      await store.registerSigningKey(k1);
      expect(await store.listSigningKeys()).toEqual([k1, k2]);
      await store.close();
    });

    test('the audit log keeps who, when, where and the request id', async () => {
      const store = await makeStore();
      await addUser(store, 'alice');
      const [entry] = await store.listAudit({ limit: 1 });
      expect(entry).toEqual({
        ...audit(),
        action: 'user.create',
        target: '~alice',
        detail: { admin: false },
      });
      await store.close();
    });
  });
}
