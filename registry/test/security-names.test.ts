import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nameSkeleton } from '../src/domain/look-alike.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { expectNothingLeft, snapshot } from './helpers/leftovers.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 24: look-alike scopes and usernames, and names that impersonate the registry. */

let r: TestRegistry;
beforeEach(async () => {
  r = await makeTestRegistry();
});
afterEach(() => r.close());

const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;
const signup = (username: string) =>
  r.call('POST', '/v1/users', { json: { username, password: 'long enough password' } });

describe('row 24: look-alike usernames', () => {
  test('a sign-up that looks like an existing user is 409 NAME_CONFUSABLE and creates nothing', async () => {
    expect((await signup('alice')).status).toBe(201);
    for (const username of ['a-lice', 'aiice', 'al1ce', 'a1-ice']) {
      const res = await signup(username);
      expect(res.status, username).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('NAME_CONFUSABLE');
      expect(error.message).toContain('"alice"');
      expect(await r.store.getUser(username)).toBeUndefined();
    }
    expect((await r.store.listAudit()).filter((e) => e.action === 'user.create')).toHaveLength(1);
    expect((await signup('alicia')).status).toBe(201);
  });

  test('reserved names, names that start or end with one, and their look-alikes are refused at sign-up', async () => {
    for (const username of [
      'admin',
      'admin-team',
      'team-admin',
      'official-skills',
      '0fficial',
      'system',
      'anthropic',
      'openai-support',
      'claude',
      'codex-bot',
      'npm',
      'registry',
      'skills',
      'root',
      'moderator',
    ]) {
      const res = await signup(username);
      expect(res.status, username).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('USER_EXISTS');
      expect(error.message).toContain('reserved');
      expect(await r.store.getUser(username)).toBeUndefined();
    }
    expect(await r.store.listAudit()).toEqual([]);
    // Words that merely contain a reserved one are not reserved.
    for (const username of ['badminton', 'rooted-tree', 'skillset'])
      expect((await signup(username)).status).toBe(201);
  });

  test('the fold treats 1/l/i, 0/o, rn/m and vv/w as one, after case and separators', () => {
    expect(nameSkeleton('a-lice')).toBe(nameSkeleton('aiice'));
    expect(nameSkeleton('Al1ce')).toBe(nameSkeleton('alice'));
    expect(nameSkeleton('acrne')).toBe(nameSkeleton('acme'));
    expect(nameSkeleton('vvidget')).toBe(nameSkeleton('widget'));
    expect(nameSkeleton('g00gle')).toBe(nameSkeleton('google'));
    expect(nameSkeleton('alice')).not.toBe(nameSkeleton('alide'));
  });
});

describe('row 24: look-alike scopes', () => {
  test('@a-cme is refused while @acme is owned, and the refusal leaves nothing', async () => {
    const alice = await r.user('alice');
    const mallory = await r.user('mallory');
    expect((await r.publish(alice, '@acme/deploy', bundleTarball('@acme/deploy', '1.0.0'))).status).toBe(201);
    for (const name of ['@a-cme/deploy', '@a-cme/other', '@acrne/deploy']) {
      const before = await snapshot(r);
      const res = await r.publish(mallory, name, bundleTarball(name, '1.0.0'));
      expect(res.status, name).toBe(409);
      const error = await errorOf(res);
      expect(error.code).toBe('NAME_CONFUSABLE');
      expect(error.message).toContain('@acme');
      await expectNothingLeft(r, name, before, { nameMayBeTaken: true });
      expect(await r.store.getScopeOwners(name.slice(1, name.indexOf('/')))).toEqual([]);
    }
  });

  test('a reserved scope is 403 for everyone but an admin', async () => {
    const mallory = await r.user('mallory');
    for (const name of ['@official/tool', '@anthropic-labs/tool', '@skills/tool']) {
      const before = await snapshot(r);
      const res = await r.publish(mallory, name, bundleTarball(name, '1.0.0'));
      expect(res.status, name).toBe(403);
      expect((await errorOf(res)).message).toContain('reserved');
      await expectNothingLeft(r, name, before, { nameMayBeTaken: true });
    }
    const admin = await r.user('root', { admin: true });
    expect((await r.publish(admin, '@official/tool', bundleTarball('@official/tool', '1.0.0'))).status).toBe(
      201,
    );
  });
});
