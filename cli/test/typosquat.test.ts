import { describe, expect, it } from 'vitest';
import { editDistance, lookAlikes } from '../src/lib/registry/typosquat.ts';

describe('look-alike names', () => {
  const popular = [
    { name: 'deploy-vercel', downloads: 5000 },
    { name: 'docs-site', downloads: 900 },
  ];

  it('flags a little-used name within two edits of a popular one, after folding -_. and case', () => {
    expect(lookAlikes({ name: 'deploy-vercle', downloads: 3 }, popular).map((c) => c.name)).toEqual([
      'deploy-vercel',
    ]);
    expect(lookAlikes({ name: 'deployvercel', downloads: 0 }, popular).map((c) => c.name)).toEqual([
      'deploy-vercel',
    ]);
    expect(lookAlikes({ name: '@evil/deploy-vercel', downloads: 0 }, popular)).toEqual([]);
  });

  it('stays quiet for the popular bundle itself, for well-used names and for distant ones', () => {
    expect(lookAlikes({ name: 'deploy-vercel', downloads: 5000 }, popular)).toEqual([]);
    expect(lookAlikes({ name: 'deploy-vercl', downloads: 2000 }, popular)).toEqual([]);
    expect(lookAlikes({ name: 'deploy-netlify', downloads: 1 }, popular)).toEqual([]);
    expect(lookAlikes({ name: 'docs-sit', downloads: 200 }, popular)).toEqual([]);
  });

  it('counts adjacent swaps as one edit', () => {
    expect(editDistance('vercel', 'vercle')).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});
