import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bundleNameSchema,
  checkSearchResponse,
  isBundleName,
  searchResponseParser,
  searchResponseSchema,
} from '../src/index.ts';
import { agree, breakage, breakDoc, ODD_VALUES, sweep, viaJson } from './helpers/agreement.ts';

// The search answer check against searchResponseSchema, and isBundleName against
// bundleNameSchema (the rules in helpers/agreement.ts).

const str = fc.oneof(fc.string({ maxLength: 4 }), fc.constant('x'.repeat(256)));
const hit = fc.record(
  {
    name: fc.constantFrom('a', '@acme/deploy', 'a'.repeat(64)),
    version: fc.constantFrom('1.0.0', '1.2.3-beta.1', `1.0.0-${'a'.repeat(250)}`),
    description: str,
    category: fc.constantFrom('design', 'other'),
    keywords: fc.array(str, { maxLength: 2 }),
    downloads: fc.constantFrom(0, 7, 2 ** 53 - 1),
    score: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308)),
  },
  { requiredKeys: ['name', 'version', 'description', 'downloads', 'score'] },
);
const response = fc.record({
  total: fc.constantFrom(0, 3, 2 ** 53 - 1),
  results: fc.array(hit, { maxLength: 3 }),
});

const FULL = {
  total: 1,
  results: [
    {
      name: '@acme/deploy',
      version: '1.0.0',
      description: 'd',
      category: 'deploy',
      keywords: ['k'],
      downloads: 2,
      score: 0.5,
    },
  ],
};

describe('the hand-written search answer check agrees with searchResponseSchema', () => {
  it('accepts generated valid answers with zod’s output', () => {
    fc.assert(
      fc.property(response, (res) => {
        const input = viaJson(res);
        const checked = checkSearchResponse(input);
        expect(checked).toBeDefined();
        agree(input, checked, searchResponseSchema);
      }),
      { seed: 31, numRuns: 300 },
    );
  });

  it('agrees on answers broken in one or two places, and on every odd value at every place', () => {
    fc.assert(
      fc.property(response, fc.array(breakage, { minLength: 1, maxLength: 2 }), (generated, breaks) => {
        const res = structuredClone(generated);
        for (const b of breaks) breakDoc(res, b);
        const input = viaJson(res);
        agree(input, checkSearchResponse(input), searchResponseSchema);
      }),
      { seed: 32, numRuns: 1000 },
    );
    expect(checkSearchResponse(FULL)).toStrictEqual(searchResponseSchema.parse(FULL));
    sweep(FULL, checkSearchResponse, searchResponseSchema);
  });

  it('leaves an invalid answer to zod, which names the field', () => {
    const bad = { ...FULL, total: -1 };
    expect(searchResponseParser.safeParse(bad)).toEqual(searchResponseSchema.safeParse(bad));
    expect(searchResponseParser.safeParse(bad).error?.issues[0]?.path).toEqual(['total']);
  });

  // A change to searchResponseSchema changes this digest: change the check to match, then the digest.
  it('searchResponseSchema is the one the check was written for', () => {
    const json = JSON.stringify(z.toJSONSchema(searchResponseSchema, { io: 'input' }));
    expect(createHash('sha256').update(json).digest('hex').slice(0, 16)).toBe('9455dc208d978d67');
  });
});

describe('isBundleName agrees with bundleNameSchema', () => {
  it('on generated names and every odd value', () => {
    const part = fc.stringMatching(/^[a-z0-9-]{0,70}$/);
    const names = fc.oneof(
      part,
      fc.tuple(part, part).map(([s, n]) => `@${s}/${n}`),
      fc.string({ maxLength: 140 }),
      fc.constantFrom(`@${'s'.repeat(63)}/${'n'.repeat(64)}`, `@${'s'.repeat(64)}/${'n'.repeat(64)}`),
    );
    let valid = 0;
    fc.assert(
      fc.property(names, (n) => {
        const ok = bundleNameSchema.safeParse(n).success;
        if (ok) valid++;
        expect(isBundleName(n)).toBe(ok);
      }),
      { seed: 33, numRuns: 3000 },
    );
    expect(valid).toBeGreaterThan(300);
    for (const v of ODD_VALUES) expect(isBundleName(v)).toBe(bundleNameSchema.safeParse(v).success);
  });
});
