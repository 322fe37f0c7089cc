import { describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { resolveTree } from '../src/lib/resolve/resolver.ts';
import { fakeRegistry } from './fixtures/documents.ts';

const versionsOf = (r: Awaited<ReturnType<typeof resolveTree>>) =>
  Object.fromEntries(Object.values(r.bundles).map((b) => [b.name, b.version]));

async function failure(p: Promise<unknown>): Promise<SkillsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SkillsError) return err;
    throw err;
  }
  throw new Error('expected a SkillsError');
}

describe('resolveTree', () => {
  it('picks the highest version in range, and follows dist-tags', async () => {
    const { getBundle } = fakeRegistry(
      { a: { '1.0.0': {}, '1.4.0': {}, '2.0.0': {} }, b: { '1.0.0': {}, '3.0.0-beta.1': {} } },
      { b: { beta: '3.0.0-beta.1' } },
    );
    expect(versionsOf(await resolveTree({ roots: { a: '^1.0.0' }, getBundle }))).toEqual({ a: '1.4.0' });
    expect(versionsOf(await resolveTree({ roots: { a: 'latest' }, getBundle }))).toEqual({ a: '2.0.0' });
    expect(versionsOf(await resolveTree({ roots: { b: 'beta' }, getBundle }))).toEqual({ b: '3.0.0-beta.1' });
    expect(versionsOf(await resolveTree({ roots: { b: '*' }, getBundle }))).toEqual({ b: '1.0.0' });
  });

  it('resolves transitive dependencies and records their exact versions', async () => {
    const { getBundle } = fakeRegistry({
      app: { '1.0.0': { dependencies: { lib: '^2.0.0' } } },
      lib: { '2.0.0': { dependencies: { base: '~1.1.0' } }, '2.3.0': { dependencies: { base: '~1.1.0' } } },
      base: { '1.1.0': {}, '1.1.9': {}, '1.2.0': {} },
    });
    const r = await resolveTree({ roots: { app: '^1' }, getBundle });
    expect(versionsOf(r)).toEqual({ app: '1.0.0', lib: '2.3.0', base: '1.1.9' });
    expect(r.bundles.app!.dependencies).toEqual({ lib: '2.3.0' });
    expect(r.bundles.lib!.requiredBy).toEqual([
      { name: 'lib', range: '^2.0.0', from: { name: 'app', version: '1.0.0' } },
    ]);
  });

  it('installs one version per bundle: the highest that satisfies every range reaching it', async () => {
    const { getBundle } = fakeRegistry({
      x: { '1.0.0': { dependencies: { shared: '>=1.0.0' } } },
      y: { '1.0.0': { dependencies: { shared: '<1.5.0' } } },
      shared: { '1.0.0': {}, '1.4.0': {}, '1.6.0': {} },
    });
    expect(versionsOf(await resolveTree({ roots: { x: '1', y: '1' }, getBundle }))).toEqual({
      x: '1.0.0',
      y: '1.0.0',
      shared: '1.4.0',
    });
  });

  it('backtracks to an older version when the newest one cannot fit', async () => {
    const { getBundle } = fakeRegistry({
      'deploy-vercel': {
        '1.1.0': { dependencies: { 'vercel-basics': '^1.0.0' } },
        '1.2.0': { dependencies: { 'vercel-basics': '^2.0.0' } },
      },
      'docs-site': { '1.0.0': { dependencies: { 'vercel-basics': '^1.0.0' } } },
      'vercel-basics': { '1.0.0': {}, '2.0.0': {} },
    });
    const r = await resolveTree({ roots: { 'deploy-vercel': '^1', 'docs-site': '^1' }, getBundle });
    expect(versionsOf(r)).toEqual({
      'deploy-vercel': '1.1.0',
      'docs-site': '1.0.0',
      'vercel-basics': '1.0.0',
    });
  });

  it('backtracks over a bundle already picked when a later range rules it out', async () => {
    const { getBundle } = fakeRegistry({
      a: { '1.0.0': { dependencies: { c: '*' } } },
      b: { '1.0.0': { dependencies: { d: '1' } } },
      c: { '1.0.0': {}, '2.0.0': {} },
      d: { '1.0.0': { dependencies: { c: '^1' } } },
    });
    expect(versionsOf(await resolveTree({ roots: { a: '1', b: '1' }, getBundle }))).toMatchObject({
      c: '1.0.0',
    });
  });

  it('names both chains of dependents when two ranges cannot meet', async () => {
    const { getBundle } = fakeRegistry({
      'deploy-vercel': { '1.2.0': { dependencies: { 'vercel-basics': '^2' } } },
      'docs-site': { '1.0.0': { dependencies: { 'vercel-basics': '^1' } } },
      'vercel-basics': { '1.0.0': {}, '2.0.0': {} },
    });
    const err = await failure(
      resolveTree({ roots: { 'deploy-vercel': '^1', 'docs-site': '^1' }, getBundle }),
    );
    expect(err.code).toBe('VERSION_CONFLICT');
    expect(err.message).toBe(
      'deploy-vercel@1.2.0 → vercel-basics@^2 conflicts with docs-site@1.0.0 → vercel-basics@^1',
    );
  });

  it('names deep chains from skills.json', async () => {
    const graph = {
      app: { '1.0.0': { dependencies: { mid: '^1' } } },
      mid: { '1.0.0': { dependencies: { leaf: '^3' } } },
    };
    const { getBundle } = fakeRegistry({ ...graph, leaf: { '1.0.0': {}, '3.0.0': {} } });
    const err = await failure(resolveTree({ roots: { app: '1', leaf: '^1' }, getBundle }));
    expect(err.code).toBe('VERSION_CONFLICT');
    expect(err.message).toBe('skills.json → leaf@^1 conflicts with app@1.0.0 → mid@1.0.0 → leaf@^3');
    const older = fakeRegistry({ ...graph, leaf: { '1.0.0': {}, '2.0.0': {} } });
    const missing = await failure(resolveTree({ roots: { app: '1' }, getBundle: older.getBundle }));
    expect(missing.code).toBe('NO_MATCHING_VERSION');
    expect(missing.message).toBe('app@1.0.0 → mid@1.0.0 → leaf@^3: no version of leaf matches "^3"');
    expect(missing.hint).toContain('2.0.0');
  });

  it('never picks a yanked version for a new resolution', async () => {
    const { getBundle } = fakeRegistry({ a: { '1.0.0': {}, '1.1.0': { yanked: true } } });
    expect(versionsOf(await resolveTree({ roots: { a: '^1' }, getBundle }))).toEqual({ a: '1.0.0' });
    const err = await failure(resolveTree({ roots: { a: '1.1.0' }, getBundle }));
    expect(err.code).toBe('NO_MATCHING_VERSION');
    expect(err.message).toContain('yanked');
  });

  it('keeps a locked version that still satisfies its ranges, yanked or not', async () => {
    const { getBundle } = fakeRegistry({ a: { '1.0.0': {}, '1.1.0': { yanked: true }, '1.2.0': {} } });
    expect(versionsOf(await resolveTree({ roots: { a: '^1' }, getBundle, locked: { a: '1.1.0' } }))).toEqual({
      a: '1.1.0',
    });
    expect(versionsOf(await resolveTree({ roots: { a: '^1' }, getBundle, locked: { a: '1.0.0' } }))).toEqual({
      a: '1.0.0',
    });
    expect(
      versionsOf(await resolveTree({ roots: { a: '^1.2' }, getBundle, locked: { a: '1.0.0' } })),
    ).toEqual({
      a: '1.2.0',
    });
  });

  it('allows deprecated versions with a warning', async () => {
    const { getBundle } = fakeRegistry({ a: { '1.0.0': { deprecated: 'use b' } } });
    const r = await resolveTree({ roots: { a: '^1' }, getBundle });
    expect(r.warnings).toEqual([{ bundle: 'a', version: '1.0.0', code: 'DEPRECATED', message: 'use b' }]);
  });

  it('refuses two bundles that install a skill of the same name, naming both', async () => {
    const { getBundle } = fakeRegistry({
      one: { '1.0.0': { skills: ['deploy', 'lint'] } },
      two: { '1.0.0': { dependencies: { three: '1' } } },
      three: { '1.0.0': { skills: ['lint'] } },
    });
    const err = await failure(resolveTree({ roots: { one: '1', two: '1' }, getBundle }));
    expect(err.code).toBe('SKILL_CONFLICT');
    expect(err.message).toBe('one@1.0.0 and two@1.0.0 → three@1.0.0 both install a skill named "lint"');
  });

  it('avoids a skill clash by backtracking when an older version does not clash', async () => {
    const { getBundle } = fakeRegistry({
      one: { '1.0.0': { skills: ['deploy'] } },
      two: { '1.0.0': { skills: ['build'] }, '1.1.0': { skills: ['build', 'deploy'] } },
    });
    expect(versionsOf(await resolveTree({ roots: { one: '1', two: '1' }, getBundle }))).toEqual({
      one: '1.0.0',
      two: '1.0.0',
    });
  });

  it('names the chain to a bundle that does not exist, and to an unknown tag', async () => {
    const { getBundle } = fakeRegistry({ app: { '1.0.0': { dependencies: { ghost: '^1' } } } });
    const err = await failure(resolveTree({ roots: { app: '1' }, getBundle }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('app@1.0.0 → ghost@^1');
    const tag = await failure(resolveTree({ roots: { app: 'nightly' }, getBundle }));
    expect(tag.code).toBe('NO_MATCHING_VERSION');
    expect(tag.message).toContain('no dist-tag "nightly"');
  });

  it('fetches each document once, in parallel up to the limit, and handles cycles', async () => {
    const { getBundle, calls } = fakeRegistry({
      a: { '1.0.0': { dependencies: { b: '1', c: '1' } } },
      b: { '1.0.0': { dependencies: { a: '1' } } },
      c: { '1.0.0': { dependencies: { b: '1' } } },
    });
    let inFlight = 0;
    let most = 0;
    const slow = async (name: string) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return getBundle(name);
    };
    const r = await resolveTree({ roots: { a: '1' }, getBundle: slow, concurrency: 2 });
    expect(versionsOf(r)).toEqual({ a: '1.0.0', b: '1.0.0', c: '1.0.0' });
    expect(calls.sort()).toEqual(['a', 'b', 'c']);
    expect(most).toBe(2);
  });

  it('gives up with RESOLVE_TOO_COMPLEX instead of searching forever', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`1.0.${i}`, { dependencies: { z: '^2' } }]),
    );
    const { getBundle } = fakeRegistry({ a: many, b: many, z: { '1.0.0': {} } });
    const err = await failure(resolveTree({ roots: { a: '1', b: '1' }, getBundle, maxAttempts: 50 }));
    expect(err.code).toBe('RESOLVE_TOO_COMPLEX');
  });

  it('refuses text that is neither a range nor a tag', async () => {
    const { getBundle } = fakeRegistry({ a: { '1.0.0': {} } });
    expect((await failure(resolveTree({ roots: { a: '^^1' }, getBundle }))).code).toBe('INVALID_RANGE');
  });

  it('never resolves an exact pin to another build of the version (docs/security.md row 22)', async () => {
    // An old registry that accepted build metadata: one version three times, the plain one yanked.
    const builds = { '1.0.0': { yanked: true }, '1.0.0+evil': {}, '1.0.0+zzz': {} };
    const { getBundle } = fakeRegistry({ a: builds });
    for (const pin of ['1.0.0', '=1.0.0', 'v1.0.0']) {
      const err = await failure(resolveTree({ roots: { a: pin }, getBundle }));
      expect(err.code, pin).toBe('NO_MATCHING_VERSION');
      expect(err.message, pin).toContain('yanked');
    }
    const pinned = await resolveTree({ roots: { a: '1.0.0+evil' }, getBundle });
    expect(versionsOf(pinned)).toEqual({ a: '1.0.0+evil' });
    // A range prefers the version without build metadata over its look-alikes.
    const live = fakeRegistry({ a: { '1.0.0+evil': {}, '1.0.0': {}, '1.0.0+zzz': {} } });
    for (const range of ['^1.0.0', '1.0.0', '*']) {
      expect(
        versionsOf(await resolveTree({ roots: { a: range }, getBundle: live.getBundle })),
        range,
      ).toEqual({
        a: '1.0.0',
      });
    }
  });
});
