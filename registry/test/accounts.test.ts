import { tokenCreatedSchema, tokenInfoSchema } from '@skills/schemas';
import { afterEach, describe, expect, test } from 'vitest';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
afterEach(() => r.close());

const basic = (u: string, p: string) => ({
  authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
});
const code = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error.code;

describe('sign-up, tokens, whoami', () => {
  test('sign up, make a token with Basic, use it, list it', async () => {
    r = await makeTestRegistry();
    const signup = await r.call('POST', '/v1/users', {
      json: { username: 'alice', password: 'a long password', email: 'a@example.com' },
    });
    expect(signup.status).toBe(201);
    expect(await signup.json()).toEqual({ username: 'alice' });
    const res = await r.call('POST', '/v1/tokens', {
      json: { scope: 'read', expiresInDays: 30, name: 'ci' },
      headers: basic('alice', 'a long password'),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = tokenCreatedSchema.parse(await res.json());
    expect(created.scope).toBe('read');
    expect(await (await r.call('GET', '/v1/whoami', { token: created.token })).json()).toEqual({
      username: 'alice',
    });
    const list = (await (
      await r.call('GET', '/v1/tokens', { headers: basic('alice', 'a long password') })
    ).json()) as { tokens: unknown[] };
    expect(list.tokens).toHaveLength(1);
    const info = tokenInfoSchema.parse(list.tokens[0]);
    expect(info).toMatchObject({
      id: created.id,
      scope: 'read',
      name: 'ci',
      prefix: created.token.slice(0, 10),
    });
    // An empty body means a publish token with no expiry.
    const plain = await r.call('POST', '/v1/tokens', { headers: basic('alice', 'a long password') });
    expect(tokenCreatedSchema.parse(await plain.json())).toMatchObject({ scope: 'publish', expiresAt: null });
  });

  test('duplicate, reserved and malformed sign-ups', async () => {
    r = await makeTestRegistry();
    const signup = (body: unknown) => r.call('POST', '/v1/users', { json: body });
    expect((await signup({ username: 'alice', password: 'a long password' })).status).toBe(201);
    const dup = await signup({ username: 'alice', password: 'another password' });
    expect(dup.status).toBe(409);
    expect(await code(dup)).toBe('USER_EXISTS');
    expect((await signup({ username: 'system', password: 'a long password' })).status).toBe(409);
    for (const bad of [
      { username: 'Alice', password: 'a long password' },
      { username: 'bob', password: 'short' },
      { username: 'bob' },
      [],
      'text',
      null,
      { username: 'bob', password: 'a long password', extra: 1 },
    ]) {
      const res = await signup(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await code(res)).toBe('BAD_REQUEST');
    }
  });

  test('sign-up can be closed', async () => {
    r = await makeTestRegistry({ signup: false });
    const res = await r.call('POST', '/v1/users', {
      json: { username: 'alice', password: 'a long password' },
    });
    expect(res.status).toBe(403);
    expect(await code(res)).toBe('SIGNUP_CLOSED');
  });

  test('whoami needs credentials; Basic is only for token management and whoami', async () => {
    r = await makeTestRegistry();
    await r.user('alice');
    expect((await r.call('GET', '/v1/whoami')).status).toBe(401);
    expect((await r.call('GET', '/v1/whoami', { headers: basic('alice', 'alice-password-1') })).status).toBe(
      200,
    );
    const put = await r.call('PUT', '/v1/bundles/x', {
      body: 'x',
      headers: { ...basic('alice', 'alice-password-1'), 'content-type': 'application/gzip' },
    });
    expect(put.status).toBe(401);
  });

  test('bad token requests are 400', async () => {
    r = await makeTestRegistry();
    const token = await r.user('alice');
    for (const body of [
      { scope: 'admin' },
      { expiresInDays: 0 },
      { expiresInDays: 1.5 },
      { expiresInDays: 99999 },
    ]) {
      expect((await r.call('POST', '/v1/tokens', { token, json: body })).status, JSON.stringify(body)).toBe(
        400,
      );
    }
    expect(
      (
        await r.call('POST', '/v1/tokens', {
          token,
          body: '{not json',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
  });
});
