import { versionDocumentSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
let alice: string;
let bob: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  alice = await r.user('alice');
  bob = await r.user('bob');
});
afterEach(() => r.close());

const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const code = async (res: Response) => (await json<{ error: { code: string } }>(res)).error.code;
const tags = async (name: string) =>
  json<Record<string, string>>(await r.call('GET', `/v1/bundles/${name}/dist-tags`));

describe('dist-tags over HTTP', () => {
  test('publish ?tag=, PUT and DELETE, latest rules', async () => {
    await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    await r.publish(alice, 'tool', bundleTarball('tool', '2.0.0-beta.1'), '?tag=beta');
    expect(await tags('tool')).toEqual({ latest: '1.0.0', beta: '2.0.0-beta.1' });
    expect(
      await json(
        await r.call('PUT', '/v1/bundles/tool/dist-tags/stable', {
          token: alice,
          json: { version: '1.0.0' },
        }),
      ),
    ).toEqual({
      latest: '1.0.0',
      beta: '2.0.0-beta.1',
      stable: '1.0.0',
    });
    expect((await r.call('DELETE', '/v1/bundles/tool/dist-tags/stable', { token: alice })).status).toBe(200);
    const del = await r.call('DELETE', '/v1/bundles/tool/dist-tags/latest', { token: alice });
    expect(del.status).toBe(400);
    expect(await code(del)).toBe('BAD_REQUEST');
    expect((await r.call('DELETE', '/v1/bundles/tool/dist-tags/never', { token: alice })).status).toBe(404);
  });

  test('bad tags and versions are 400; unknown versions 404; strangers 403', async () => {
    await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    expect(
      (await r.call('PUT', '/v1/bundles/tool/dist-tags/1.0.0', { token: alice, json: { version: '1.0.0' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await r.call('PUT', '/v1/bundles/tool/dist-tags/Bad%20Tag', {
          token: alice,
          json: { version: '1.0.0' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await r.call('PUT', '/v1/bundles/tool/dist-tags/x', { token: alice, json: { version: 'one' } }))
        .status,
    ).toBe(400);
    expect(
      (await r.call('PUT', '/v1/bundles/tool/dist-tags/x', { token: alice, json: { version: '3.0.0' } }))
        .status,
    ).toBe(404);
    expect(
      (await r.call('PUT', '/v1/bundles/tool/dist-tags/x', { token: bob, json: { version: '1.0.0' } }))
        .status,
    ).toBe(403);
    expect((await r.call('PUT', '/v1/bundles/tool/dist-tags/x', { json: { version: '1.0.0' } })).status).toBe(
      401,
    );
  });

  test('yanking latest moves it to the next highest; unyanking moves it back', async () => {
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) await r.publish(alice, 'tool', bundleTarball('tool', v));
    const yanked = versionDocumentSchema.parse(
      await json(await r.call('POST', '/v1/bundles/tool/1.2.0/yank', { token: alice })),
    );
    expect(yanked.yanked).toBe(true);
    expect((await tags('tool')).latest).toBe('1.1.0');
    const back = versionDocumentSchema.parse(
      await json(await r.call('POST', '/v1/bundles/tool/1.2.0/unyank', { token: alice })),
    );
    expect(back.yanked).toBeUndefined();
    expect((await tags('tool')).latest).toBe('1.2.0');
    expect((await r.call('POST', '/v1/bundles/tool/9.0.0/yank', { token: alice })).status).toBe(404);
    expect((await r.call('POST', '/v1/bundles/tool/1.0.0/yank', { token: bob })).status).toBe(403);
  });
});

describe('deprecation', () => {
  test('sets a message; an empty one clears it; over 1024 characters is 400', async () => {
    await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    const doc = versionDocumentSchema.parse(
      await json(
        await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', {
          token: alice,
          json: { message: 'use 2.x' },
        }),
      ),
    );
    expect(doc.deprecated).toBe('use 2.x');
    const cleared = versionDocumentSchema.parse(
      await json(
        await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', { token: alice, json: { message: '' } }),
      ),
    );
    expect(cleared.deprecated).toBeUndefined();
    expect(
      (
        await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', {
          token: alice,
          json: { message: 'x'.repeat(2000) },
        })
      ).status,
    ).toBe(400);
    expect(
      (await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', { token: alice, json: {} })).status,
    ).toBe(400);
  });
});

describe('owners and scopes', () => {
  test('owners add and remove each other; the last owner stays; new owners can publish', async () => {
    await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    expect((await r.publish(bob, 'tool', bundleTarball('tool', '1.0.1'))).status).toBe(403);
    expect(await json(await r.call('PUT', '/v1/bundles/tool/owners/bob', { token: alice }))).toEqual({
      owners: ['alice', 'bob'],
    });
    expect((await r.publish(bob, 'tool', bundleTarball('tool', '1.0.1'))).status).toBe(201);
    expect(await json(await r.call('DELETE', '/v1/bundles/tool/owners/alice', { token: bob }))).toEqual({
      owners: ['bob'],
    });
    const last = await r.call('DELETE', '/v1/bundles/tool/owners/bob', { token: bob });
    expect(last.status).toBe(409);
    expect(await code(last)).toBe('CONFLICT');
    expect((await r.call('PUT', '/v1/bundles/tool/owners/ghost', { token: bob })).status).toBe(404);
    expect(await json(await r.call('GET', '/v1/bundles/tool/owners'))).toEqual({ owners: ['bob'] });
    expect((await r.call('PUT', '/v1/bundles/tool/owners/alice', { token: alice })).status).toBe(403);
  });

  test('scopes: first publisher owns it, others are refused, owners share it', async () => {
    expect((await r.publish(alice, '@acme/one', bundleTarball('@acme/one', '1.0.0'))).status).toBe(201);
    const refused = await r.publish(bob, '@acme/two', bundleTarball('@acme/two', '1.0.0'));
    expect(refused.status).toBe(403);
    expect(await r.store.getBundle('@acme/two')).toBeUndefined();
    expect(await json(await r.call('GET', '/v1/scopes/@acme'))).toEqual({ scope: 'acme', owners: ['alice'] });
    expect((await r.call('PUT', '/v1/scopes/acme/owners/bob', { token: bob })).status).toBe(403);
    expect(await json(await r.call('PUT', '/v1/scopes/acme/owners/bob', { token: alice }))).toEqual({
      scope: 'acme',
      owners: ['alice', 'bob'],
    });
    expect((await r.publish(bob, '@acme/two', bundleTarball('@acme/two', '1.0.0'))).status).toBe(201);
    expect((await r.call('GET', '/v1/scopes/unclaimed')).status).toBe(404);
    expect((await r.call('GET', '/v1/scopes/Bad_Scope')).status).toBe(400);
  });

  test('an admin may manage any bundle', async () => {
    const root = await r.user('root', { admin: true });
    await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'));
    expect((await r.call('POST', '/v1/bundles/tool/1.0.0/yank', { token: root })).status).toBe(200);
    expect((await r.publish(root, 'tool', bundleTarball('tool', '1.0.1'))).status).toBe(201);
  });
});
