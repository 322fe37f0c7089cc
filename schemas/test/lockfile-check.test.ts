import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkLockfile, lockfileParser, lockfileSchema } from '../src/index.ts';
import { agree, breakage, breakDoc, INTEGRITY, sweep, viaJson } from './helpers/agreement.ts';

// The lockfile check against lockfileSchema (the rules in helpers/agreement.ts): lockfiles
// generated valid (values at and beside every limit), then broken one or two places at a time.

const bundleName = fc.constantFrom(
  'a',
  '@acme/deploy',
  'a'.repeat(64),
  `@${'s'.repeat(63)}/${'n'.repeat(64)}`,
);
const semver = fc.constantFrom('1.0.0', '1.2.3-beta.1', '1.0.0+b', `1.0.0-${'a'.repeat(250)}`);
const agent = fc.constantFrom('claude', 'codex', 'a', 'x-1');
const str = fc.oneof(fc.string({ maxLength: 4 }), fc.constant('x'.repeat(256)));
const capabilityList = fc.array(fc.constantFrom('a', 'example.com', 'x'.repeat(256)), { maxLength: 3 });

const lockedBundle = fc.record(
  {
    version: semver,
    resolved: fc.constantFrom(
      'https://example.com/t.tgz',
      'http://x',
      'file:../b',
      'file:b.tgz',
      `git+https://h/r#${'a'.repeat(40)}`,
      `git+file:///r#${'0'.repeat(40)}`,
      `https://${'x'.repeat(4088)}`,
    ),
    integrity: fc.constant(INTEGRITY),
    signature: fc.record({ keyid: str, sig: str }),
    dependencies: fc.dictionary(bundleName, semver, { maxKeys: 2 }),
    skills: fc.array(fc.constantFrom('a', 'deploy-app', 'a'.repeat(64)), { maxLength: 2 }),
    agents: fc.array(agent, { maxLength: 2 }),
    capabilities: fc.record(
      { network: capabilityList, exec: capabilityList, env: capabilityList, write: capabilityList },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['version', 'resolved', 'integrity', 'skills'] },
);

const lockfile = fc.record(
  {
    lockfileVersion: fc.constant(1),
    dependencies: fc.dictionary(
      bundleName,
      fc.constantFrom('^1.0.0', 'latest', 'file:../x', 'x'.repeat(256)),
      {
        maxKeys: 2,
      },
    ),
    agents: fc.array(agent, { maxLength: 2 }),
    bundles: fc.dictionary(bundleName, lockedBundle, { maxKeys: 3 }),
  },
  { requiredKeys: ['lockfileVersion'] },
);

/** A lockfile with every field there, one of each kind of entry. */
const FULL = {
  lockfileVersion: 1,
  dependencies: { '@acme/deploy': '^1.0.0' },
  agents: ['claude'],
  bundles: {
    '@acme/deploy': {
      version: '1.0.0',
      resolved: 'https://example.com/t.tgz',
      integrity: INTEGRITY,
      signature: { keyid: 'k', sig: 's' },
      dependencies: { other: '1.0.0' },
      skills: ['deploy'],
      agents: ['claude'],
      capabilities: { network: ['example.com'], exec: ['git'], env: ['HOME'], write: ['out'] },
    },
  },
};

describe('the hand-written lockfile check agrees with lockfileSchema', () => {
  it('accepts generated valid lockfiles with zod’s output', () => {
    fc.assert(
      fc.property(lockfile, (lock) => {
        const input = viaJson(lock);
        const checked = checkLockfile(input);
        expect(checked).toBeDefined();
        agree(input, checked, lockfileSchema);
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('agrees on lockfiles broken in one or two places', () => {
    let refused = 0;
    fc.assert(
      fc.property(lockfile, fc.array(breakage, { minLength: 1, maxLength: 2 }), (generated, breaks) => {
        const lock = structuredClone(generated);
        for (const b of breaks) breakDoc(lock, b);
        const input = viaJson(lock);
        const checked = checkLockfile(input);
        if (checked === undefined) refused++;
        agree(input, checked, lockfileSchema);
      }),
      { seed: 22, numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(500); // the breakages do break lockfiles
  });

  it('agrees on every odd value at every place of one lockfile', () => {
    expect(checkLockfile(FULL)).toStrictEqual(lockfileSchema.parse(FULL));
    sweep(FULL, checkLockfile, lockfileSchema);
  });

  it('gives zod’s output for a built lockfile with undefined values, as the CLI writes', () => {
    const built = {
      lockfileVersion: 1,
      dependencies: undefined,
      agents: ['claude'],
      bundles: {
        a: {
          ...FULL.bundles['@acme/deploy'],
          signature: undefined,
          capabilities: undefined,
          agents: undefined,
        },
      },
    };
    const checked = checkLockfile(built);
    expect(checked).toStrictEqual(lockfileSchema.parse(built));
    expect(Object.keys(checked!.bundles.a!)).toEqual(Object.keys(lockfileSchema.parse(built).bundles.a!));
  });

  it('leaves what it does not vouch for to zod, which answers as before', () => {
    const bad = { ...FULL, lockfileVersion: 2 };
    expect(checkLockfile(bad)).toBeUndefined();
    expect(lockfileParser.safeParse(bad)).toEqual(lockfileSchema.safeParse(bad));
    expect(lockfileParser.safeParse(bad).error?.issues[0]?.path).toEqual(['lockfileVersion']);
    const withProto = JSON.parse(JSON.stringify(FULL).replace('"bundles":{', '"bundles":{"__proto__":{},'));
    expect(checkLockfile(withProto)).toBeUndefined();
    expect(lockfileParser.safeParse(withProto)).toEqual(lockfileSchema.safeParse(withProto));
  });

  // A change to lockfileSchema changes this digest: change the check to match (the generators
  // above too), then the digest. Refinements do not show here: the agreement does.
  it('lockfileSchema is the one the check was written for', () => {
    const json = JSON.stringify(z.toJSONSchema(lockfileSchema, { io: 'input' }));
    expect(createHash('sha256').update(json).digest('hex').slice(0, 16)).toBe('ae1a9ef37c602f05');
  });
});
