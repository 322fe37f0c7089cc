import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { hashPassword, verifyPassword } from '../src/auth/password.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { expectNothingLeft, snapshot } from './helpers/leftovers.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md rows 12 (tokens, passwords, audit) and 17 (rate and size limits across processes). */

let r: TestRegistry;
afterEach(() => r?.close());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('row 12: tokens and passwords', () => {
  test('tokens are stored only as sha256; the database never holds one in plain text', async () => {
    r = await makeTestRegistry();
    expect(
      (await r.call('POST', '/v1/users', { json: { username: 'alice', password: 'correct horse battery' } }))
        .status,
    ).toBe(201);
    const res = await r.call('POST', '/v1/tokens', {
      json: { scope: 'publish' },
      headers: { authorization: basic('alice', 'correct horse battery') },
    });
    expect(res.status).toBe(201);
    const { token, id } = (await res.json()) as { token: string; id: string };
    expect(token).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    const db = new Database(r.dbPath, { readonly: true });
    const row = db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as Record<string, unknown>;
    const user = db.prepare('SELECT * FROM users WHERE username = ?').get('alice') as Record<string, unknown>;
    db.close();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    expect(String(user.password_hash)).toMatch(/^scrypt\$/);
    expect(JSON.stringify(user)).not.toContain('correct horse');
    for (const file of ['registry.db', 'registry.db-wal']) {
      const bytes = await readFile(`${r.dbPath.replace(/registry\.db$/, '')}${file}`).catch(() =>
        Buffer.alloc(0),
      );
      expect(bytes.includes(token)).toBe(false);
      expect(bytes.includes('correct horse battery')).toBe(false);
    }
    // The listing never shows the token either.
    const list = await (await r.call('GET', '/v1/tokens', { token })).text();
    expect(list).not.toContain(token);
    expect(list).toContain(id);
  });

  test('passwords use scrypt with N = 2^15 by default, a salt per hash, and verify in constant time', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same passworD', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
  });

  test('an expired token is 401', async () => {
    r = await makeTestRegistry();
    const token = await r.user('alice', { expiresAt: '2000-01-01T00:00:00.000Z' });
    const res = await r.call('GET', '/v1/whoami', { token });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('UNAUTHORIZED');
  });

  test('a token created with expiresInDays stops working once the clock passes it', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    r = await makeTestRegistry({ clock: () => now });
    const login = await r.user('alice');
    const res = await r.call('POST', '/v1/tokens', {
      token: login,
      json: { scope: 'read', expiresInDays: 1 },
    });
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    expect(expiresAt).toBe('2030-01-02T00:00:00.000Z');
    expect((await r.call('GET', '/v1/whoami', { token })).status).toBe(200);
    now = new Date('2030-01-02T00:00:01Z');
    expect((await r.call('GET', '/v1/whoami', { token })).status).toBe(401);
  });

  test('a revoked token is 401 at once', async () => {
    r = await makeTestRegistry();
    const keep = await r.user('alice');
    const res = await r.call('POST', '/v1/tokens', { token: keep, json: {} });
    const { token, id } = (await res.json()) as { token: string; id: string };
    expect((await r.call('GET', '/v1/whoami', { token })).status).toBe(200);
    expect((await r.call('DELETE', `/v1/tokens/${id}`, { token: keep })).status).toBe(204);
    const after = await r.call('GET', '/v1/whoami', { token });
    expect(after.status).toBe(401);
    expect((await r.call('DELETE', `/v1/tokens/${id}`, { token: keep })).status).toBe(404);
  });

  test('a read token cannot publish, write, or mint a publish token', async () => {
    r = await makeTestRegistry();
    const owner = await r.user('alice');
    expect((await r.publish(owner, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    const read = await r.user('alice', { scope: 'read' });
    const before = await snapshot(r);
    const res = await r.publish(read, 'other-tool', bundleTarball('other-tool', '1.0.0'));
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
    await expectNothingLeft(r, 'other-tool', before);
    expect((await r.call('POST', '/v1/bundles/tool/1.0.0/yank', { token: read })).status).toBe(403);
    expect(
      (await r.call('PUT', '/v1/bundles/tool/dist-tags/beta', { token: read, json: { version: '1.0.0' } }))
        .status,
    ).toBe(403);
    expect((await r.call('POST', '/v1/tokens', { token: read, json: { scope: 'publish' } })).status).toBe(
      403,
    );
    expect((await r.call('POST', '/v1/tokens', { token: read, json: { scope: 'read' } })).status).toBe(201);
  });

  test('bad credentials of every shape are 401, never 500', async () => {
    r = await makeTestRegistry();
    await r.user('alice');
    for (const authorization of [
      'Bearer nope',
      'Bearer sk_' + 'A'.repeat(43),
      'Bearer ',
      'Basic !!!!',
      basic('alice', 'wrong password'),
      basic('nobody', 'whatever-password'),
      basic('', 'x'),
      `Basic ${'A'.repeat(5000)}`,
      'Digest abc',
    ]) {
      const res = await r.call('POST', '/v1/tokens', { json: {}, headers: { authorization } });
      expect(res.status, authorization.slice(0, 40)).toBe(401);
    }
    expect(
      (await r.call('PUT', '/v1/bundles/x', { body: 'x', headers: { 'content-type': 'application/gzip' } }))
        .status,
    ).toBe(401);
  });

  test('every write is in the audit log with who, what, when, where and the request id', async () => {
    r = await makeTestRegistry();
    const token = await r.user('alice');
    await r.publish(token, 'audited', bundleTarball('audited', '1.0.0'));
    await r.call('PUT', '/v1/bundles/audited/dist-tags/stable', {
      token,
      json: { version: '1.0.0' },
      headers: { 'x-request-id': 'req-42' },
    });
    await r.call('POST', '/v1/bundles/audited/1.0.0/deprecate', { token, json: { message: 'old' } });
    await r.call('POST', '/v1/bundles/audited/1.0.0/yank', { token });
    const actions = (await r.store.listAudit({ target: 'audited' })).map((e) => e.action);
    expect(actions).toEqual(['version.yank', 'version.deprecate', 'dist-tag.set', 'version.publish']);
    const tagEntry = (await r.store.listAudit({ target: 'audited' })).find(
      (e) => e.action === 'dist-tag.set',
    );
    expect(tagEntry).toMatchObject({
      actor: 'alice',
      requestId: 'req-42',
      detail: { tag: 'stable', version: '1.0.0' },
    });
    expect((await r.store.listAudit({ target: '~alice' })).map((e) => e.action)).toContain('token.create');
  });
});

describe('row 17: abuse', () => {
  test('publishes beyond the limit are 429 with Retry-After, and leave nothing', async () => {
    r = await makeTestRegistry({ rateLimits: { publish: { capacity: 2, refillMs: 60_000 } } });
    const token = await r.user('alice');
    expect((await r.publish(token, 'p1', bundleTarball('p1', '1.0.0'))).status).toBe(201);
    expect((await r.publish(token, 'p2', bundleTarball('p2', '1.0.0'))).status).toBe(201);
    const before = await snapshot(r);
    const res = await r.publish(token, 'p3', bundleTarball('p3', '1.0.0'));
    expect(res.status).toBe(429);
    expect(await codeOf(res)).toBe('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(tableCountsEqual(await snapshot(r), before)).toBe(true);
  });

  test('sign-ups and password logins are limited per client', async () => {
    r = await makeTestRegistry({
      rateLimits: { signup: { capacity: 2, refillMs: 60_000 }, login: { capacity: 3, refillMs: 60_000 } },
    });
    const signup = (username: string) =>
      r.call('POST', '/v1/users', { json: { username, password: 'long enough password' } });
    expect((await signup('user-a')).status).toBe(201);
    expect((await signup('user-b')).status).toBe(201);
    const limited = await signup('user-c');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await r.store.getUser('user-c')).toBeUndefined();
    const login = () =>
      r.call('POST', '/v1/tokens', {
        json: {},
        headers: { authorization: basic('user-a', 'wrong password!') },
      });
    for (let i = 0; i < 3; i++) expect((await login()).status).toBe(401);
    expect((await login()).status).toBe(429);
  });

  test('limits hold across processes sharing one database', async () => {
    r = await makeTestRegistry({ rateLimits: { signup: { capacity: 3, refillMs: 60_000 } } });
    // A second "process": its own connection to the same file, its own app.
    const otherStore = createSqliteStore({ path: r.dbPath });
    const other = createApp({
      store: otherStore,
      blobs: createMemoryBlobStore(),
      signer: createEphemeralSigner(),
      rateLimits: { signup: { capacity: 3, refillMs: 60_000 } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? r.app : other;
      const res = await app.request('/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `shared-${i}`, password: 'long enough password' }),
      });
      statuses.push(res.status);
    }
    await otherStore.close();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
  });

  test('a JSON body over 64 KiB is 413', async () => {
    r = await makeTestRegistry();
    const res = await r.call('POST', '/v1/users', {
      body: JSON.stringify({ username: 'big', password: 'x'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe('TOO_LARGE');
  });
});

function tableCountsEqual(a: { counts: Record<string, number>; blobs: string[] }, b: typeof a): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
