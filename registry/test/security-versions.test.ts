import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { expectNothingLeft, snapshot } from './helpers/leftovers.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 22: one version, one set of bytes; build metadata never makes a second. */

let r: TestRegistry;
let alice: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  alice = await r.user('alice');
});
afterEach(() => r.close());

type ErrorBody = {
  error: { code: string; message: string; problems?: { path: string; code: string; message: string }[] };
};

describe('row 22: the same version twice through build metadata', () => {
  test('1.0.0+evil after 1.0.0 is refused at publish with a clear problem, and leaves nothing', async () => {
    expect((await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    for (const version of ['1.0.0+evil', '1.0.0+zzz', '2.0.0+build.1']) {
      const before = await snapshot(r);
      const res = await r.publish(
        alice,
        'tool',
        bundleTarball('tool', version, { description: `evil ${version}` }),
      );
      expect(res.status, version).toBe(422);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.code).toBe('INVALID_BUNDLE');
      const problem = error.problems?.find((p) => /build metadata/.test(p.message));
      expect(problem, JSON.stringify(error.problems)).toBeDefined();
      expect(problem!.path).toContain('skill.json');
      await expectNothingLeft(r, 'tool', before, { nameMayBeTaken: true });
    }
    const doc = (await (await r.call('GET', '/v1/bundles/tool')).json()) as {
      versions: Record<string, unknown>;
    };
    expect(Object.keys(doc.versions)).toEqual(['1.0.0']);
    // After a yank, the pinned version is still the only 1.0.0 there is.
    expect((await r.call('POST', '/v1/bundles/tool/1.0.0/yank', { token: alice })).status).toBe(200);
    expect((await r.publish(alice, 'tool', bundleTarball('tool', '1.0.0+evil'))).status).toBe(422);
    expect((await r.call('GET', '/v1/bundles/tool/1.0.0+evil')).status).toBe(404);
  });

  test('a first version with build metadata is refused too: the name stays free', async () => {
    const before = await snapshot(r);
    const res = await r.publish(alice, 'fresh', bundleTarball('fresh', '1.0.0+evil'));
    expect(res.status).toBe(422);
    await expectNothingLeft(r, 'fresh', before);
  });
});
