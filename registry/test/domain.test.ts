import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, test } from 'vitest';
import { pickLatest } from '../src/domain/latest.ts';
import { withinOneEdit } from '../src/domain/levenshtein.ts';
import { tarballFileName, tarballPath, versionFromTarballName } from '../src/domain/version-document.ts';
import { matchesEtag } from '../src/http/etag.ts';

describe('pickLatest', () => {
  test('highest stable, else highest prerelease, never yanked', () => {
    const v = (version: string, yanked = false) => ({ version, yanked });
    expect(pickLatest([v('1.0.0'), v('1.10.0'), v('1.9.0')])).toBe('1.10.0');
    expect(pickLatest([v('1.0.0'), v('2.0.0-rc.1')])).toBe('1.0.0');
    expect(pickLatest([v('1.0.0', true), v('2.0.0-rc.1'), v('2.0.0-rc.2')])).toBe('2.0.0-rc.2');
    expect(pickLatest([v('1.0.0', true)])).toBeUndefined();
    expect(pickLatest([])).toBeUndefined();
  });
});

describe('withinOneEdit', () => {
  const levenshtein = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length]![b.length]!;
  };
  test('agrees with the textbook distance', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c') }),
        fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c') }),
        (a, b) => {
          expect(withinOneEdit(a, b)).toBe(levenshtein(a, b) <= 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('tarball names', () => {
  test('round-trip for plain and scoped names', () => {
    expect(tarballPath('@acme/deploy', '1.0.0')).toBe('/v1/bundles/@acme/deploy/-/deploy-1.0.0.tgz');
    expect(tarballFileName('tool', '1.0.0-rc.1+b.2')).toBe('tool-1.0.0-rc.1+b.2.tgz');
    expect(versionFromTarballName('@acme/deploy', 'deploy-1.0.0.tgz')).toBe('1.0.0');
    expect(versionFromTarballName('deploy', 'other-1.0.0.tgz')).toBeUndefined();
    expect(versionFromTarballName('deploy', 'deploy-.tgz')).toBeUndefined();
    fc.assert(
      fc.property(
        fc.constantFrom('a', 'my-tool', '@s/x-y'),
        fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)),
        (name, [a, b, c]) => {
          const version = `${a}.${b}.${c}`;
          expect(semver.valid(version)).toBe(version);
          expect(versionFromTarballName(name, tarballFileName(name, version))).toBe(version);
        },
      ),
    );
  });
});

describe('matchesEtag', () => {
  test('weak comparison, lists and *', () => {
    expect(matchesEtag('"1-2"', '"1-2"')).toBe(true);
    expect(matchesEtag('W/"1-2"', '"1-2"')).toBe(true);
    expect(matchesEtag('"x", "1-2"', '"1-2"')).toBe(true);
    expect(matchesEtag('*', '"1-2"')).toBe(true);
    expect(matchesEtag('"1-3"', '"1-2"')).toBe(false);
    expect(matchesEtag(undefined, '"1-2"')).toBe(false);
  });
});
