import { afterEach, describe, expect, test } from 'vitest';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 23: a token never outlives or outranks the token that made it. */

let r: TestRegistry;
afterEach(() => r?.close());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

type Created = { id: string; token: string; expiresAt: string | null };
async function mint(token: string, json: Record<string, unknown> = {}): Promise<Created> {
  const res = await r.call('POST', '/v1/tokens', { token, json });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}
const whoami = async (token: string) => (await r.call('GET', '/v1/whoami', { token })).status;

describe('row 23: tokens minted from tokens', () => {
  test('a token that expires in two days cannot mint one that outlives it', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    r = await makeTestRegistry({ clock: () => now });
    const short = await r.user('alice', { expiresAt: '2030-01-03T00:00:00.000Z' });
    const forever = await mint(short);
    const longer = await mint(short, { expiresInDays: 365 });
    const sooner = await mint(short, { expiresInDays: 1 });
    expect(forever.expiresAt).toBe('2030-01-03T00:00:00.000Z');
    expect(longer.expiresAt).toBe('2030-01-03T00:00:00.000Z');
    expect(sooner.expiresAt).toBe('2030-01-02T00:00:00.000Z');
    // The grandchild is held to the same bound.
    expect((await mint(forever.token)).expiresAt).toBe('2030-01-03T00:00:00.000Z');
    expect(await whoami(forever.token)).toBe(200);
    now = new Date('2030-01-03T00:00:01Z');
    for (const t of [short, forever.token, longer.token]) expect(await whoami(t)).toBe(401);
  });

  test('revoking a token revokes every token minted from it, and nothing else', async () => {
    r = await makeTestRegistry();
    const root = await r.user('alice');
    const keep = await r.user('alice');
    const parent = await mint(root);
    const child = await mint(parent.token, { scope: 'read' });
    const grandchild = await mint(child.token, { scope: 'read' });
    expect(await whoami(grandchild.token)).toBe(200);
    expect((await r.call('DELETE', `/v1/tokens/${parent.id}`, { token: keep })).status).toBe(204);
    for (const t of [parent.token, child.token, grandchild.token]) {
      const res = await r.call('GET', '/v1/whoami', { token: t });
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe('UNAUTHORIZED');
    }
    expect(await whoami(root)).toBe(200);
    expect(await whoami(keep)).toBe(200);
    const listed = (await (await r.call('GET', '/v1/tokens', { token: keep })).json()) as {
      tokens: { id: string }[];
    };
    expect(listed.tokens.map((t) => t.id)).not.toContain(child.id);
    expect(listed.tokens).toHaveLength(2);
    // A revoked token cannot mint either.
    expect((await r.call('POST', '/v1/tokens', { token: child.token, json: { scope: 'read' } })).status).toBe(
      401,
    );
    expect((await r.store.listAudit({ target: '~alice' }))[0]).toMatchObject({
      action: 'token.revoke',
      detail: { id: parent.id, minted: 2 },
    });
  });

  test('a password mints tokens of any lifetime: a login is the root of trust', async () => {
    r = await makeTestRegistry();
    await r.user('alice');
    const res = await r.call('POST', '/v1/tokens', {
      json: {},
      headers: { authorization: basic('alice', 'alice-password-1') },
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Created).expiresAt).toBeNull();
  });
});

describe('row 23: revoking is a write', () => {
  test('a read token cannot revoke the publish tokens of its user; they keep working', async () => {
    r = await makeTestRegistry();
    const publish = await r.user('alice');
    const read = await r.user('alice', { scope: 'read' });
    const list = (await (await r.call('GET', '/v1/tokens', { token: read })).json()) as {
      tokens: { id: string; scope: string }[];
    };
    const target = list.tokens.find((t) => t.scope === 'publish')!;
    const res = await r.call('DELETE', `/v1/tokens/${target.id}`, { token: read });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
    expect(await whoami(publish)).toBe(200);
    expect((await r.store.listTokens('alice')).map((t) => t.id)).toContain(target.id);
    expect((await r.store.listAudit({ target: '~alice' })).some((e) => e.action === 'token.revoke')).toBe(
      false,
    );
  });

  test('a read token may revoke itself (log out); a publish token or the password may revoke any', async () => {
    r = await makeTestRegistry();
    const publish = await r.user('alice');
    const read = await mint(publish, { scope: 'read' });
    expect((await r.call('DELETE', `/v1/tokens/${read.id}`, { token: read.token })).status).toBe(204);
    expect(await whoami(read.token)).toBe(401);
    const other = await mint(publish, { scope: 'read' });
    expect((await r.call('DELETE', `/v1/tokens/${other.id}`, { token: publish })).status).toBe(204);
    const third = await mint(publish);
    const res = await r.call('DELETE', `/v1/tokens/${third.id}`, {
      headers: { authorization: basic('alice', 'alice-password-1') },
    });
    expect(res.status).toBe(204);
    expect(await whoami(third.token)).toBe(401);
  });
});
