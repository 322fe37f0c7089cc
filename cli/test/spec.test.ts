import { describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { mapLimit } from '../src/lib/parallel.ts';
import { formatSpec, parseExactSpec, parseSpec } from '../src/lib/resolve/spec.ts';

describe('parseSpec', () => {
  it('parses names, ranges, versions and tags, scoped or not', () => {
    expect(parseSpec('deploy')).toEqual({ name: 'deploy', range: 'latest', kind: 'tag', hasRange: false });
    expect(parseSpec('deploy@^1.2.0')).toEqual({
      name: 'deploy',
      range: '^1.2.0',
      kind: 'range',
      hasRange: true,
    });
    expect(parseSpec('@acme/deploy@1.2.0')).toMatchObject({
      name: '@acme/deploy',
      range: '1.2.0',
      kind: 'version',
    });
    expect(parseSpec('@acme/deploy@beta')).toMatchObject({
      name: '@acme/deploy',
      range: 'beta',
      kind: 'tag',
    });
    expect(parseSpec('@acme/deploy')).toMatchObject({
      name: '@acme/deploy',
      range: 'latest',
      hasRange: false,
    });
    expect(parseSpec('x@>=1 <2')).toMatchObject({ range: '>=1 <2', kind: 'range' });
    expect(parseSpec('x@*')).toMatchObject({ kind: 'range' });
  });

  it('refuses invalid names and specifiers with a USAGE error', () => {
    for (const bad of ['Deploy', '@acme', '../x', 'x@', 'x@!!', '@/x', '']) {
      const err = (() => {
        try {
          parseSpec(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(SkillsError);
      expect((err as SkillsError).exitCode).toBe(2);
    }
  });

  it('requires an exact version where one is needed', () => {
    expect(parseExactSpec('@a/b@1.0.0')).toEqual({ name: '@a/b', version: '1.0.0' });
    expect(() => parseExactSpec('b@^1')).toThrow(/exact version/);
    expect(() => parseExactSpec('b')).toThrow(/exact version/);
    expect(formatSpec({ name: 'b', range: 'latest' })).toBe('b');
    expect(formatSpec({ name: 'b', range: '^1' })).toBe('b@^1');
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('stops starting work after the first failure and rejects with it', async () => {
    const started: number[] = [];
    const err = await mapLimit([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('two');
      return n;
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('two');
    expect(started).toEqual([1, 2]);
  });
});
