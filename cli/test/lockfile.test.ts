import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Lockfile, lockfileSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import {
  emptyLockfile,
  isCurrent,
  LOCKFILE_NAME,
  lockfileDrift,
  parseLockfile,
  readLockfile,
  serializeLockfile,
  writeLockfile,
} from '../src/lib/project/lockfile.ts';

const INTEGRITY = `sha512-${'B'.repeat(86)}==`;

function sample(): Lockfile {
  return {
    lockfileVersion: 1,
    dependencies: { 'docs-site': '^1.0.0', 'deploy-vercel': 'latest' },
    agents: ['codex', 'claude'],
    bundles: {
      'vercel-basics': {
        version: '1.0.0',
        resolved: 'http://127.0.0.1:4873/v1/bundles/vercel-basics/-/vercel-basics-1.0.0.tgz',
        integrity: INTEGRITY,
        dependencies: {},
        skills: ['vercel-basics'],
        agents: ['codex', 'claude'],
      },
      'deploy-vercel': {
        version: '1.2.0',
        resolved: 'http://127.0.0.1:4873/v1/bundles/deploy-vercel/-/deploy-vercel-1.2.0.tgz',
        integrity: INTEGRITY,
        dependencies: { 'vercel-basics': '1.0.0' },
        skills: ['preview', 'deploy'],
        agents: ['claude', 'codex'],
      },
    },
  };
}

function errorOf(fn: () => unknown): SkillsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SkillsError) return err;
    throw err;
  }
  throw new Error('expected a SkillsError');
}

describe('lockfile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skills-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serializes deterministically: lockfileVersion first, keys sorted at every level, sets sorted', () => {
    const text = serializeLockfile(sample());
    expect(text.endsWith('}\n')).toBe(true);
    expect(
      text.startsWith('{\n  "lockfileVersion": 1,\n  "agents": [\n    "claude",\n    "codex"\n  ],'),
    ).toBe(true);
    const data = JSON.parse(text) as Lockfile;
    expect(Object.keys(data)).toEqual(['lockfileVersion', 'agents', 'bundles', 'dependencies']);
    expect(Object.keys(data.bundles)).toEqual(['deploy-vercel', 'vercel-basics']);
    expect(Object.keys(data.bundles['deploy-vercel']!)).toEqual([
      'agents',
      'dependencies',
      'integrity',
      'resolved',
      'skills',
      'version',
    ]);
    expect(data.bundles['deploy-vercel']!.skills).toEqual(['deploy', 'preview']);
    expect(Object.keys(data.dependencies)).toEqual(['deploy-vercel', 'docs-site']);
    // Same tree, other insertion order: same bytes.
    const shuffled = sample();
    shuffled.bundles = Object.fromEntries(Object.entries(shuffled.bundles).reverse());
    expect(serializeLockfile(shuffled)).toBe(text);
    expect(serializeLockfile(parseLockfile(text))).toBe(text);
  });

  it('sorts integer-like names as text too', () => {
    const lock = emptyLockfile();
    lock.dependencies = { '9': '1', '10': '1', a: '1' };
    expect(Object.keys(JSON.parse(serializeLockfile(lock)).dependencies)).toEqual(['9', '10', 'a']);
    expect(serializeLockfile(lock).indexOf('"10"')).toBeLessThan(serializeLockfile(lock).indexOf('"9"'));
  });

  it('writes atomically and reads back what it wrote', async () => {
    await writeLockfile(dir, sample());
    expect(await readdir(dir)).toEqual([LOCKFILE_NAME]);
    expect(await readLockfile(dir)).toEqual(parseLockfile(serializeLockfile(sample())));
    expect(await readFile(join(dir, LOCKFILE_NAME), 'utf8')).toBe(serializeLockfile(sample()));
    expect(await readLockfile(join(dir, 'none'))).toBeUndefined();
  });

  it('checks a valid lockfile, written and read, without building the zod schema', async () => {
    // Building lockfileSchema (and zod's first use) cost a warm install ~9 ms; zod is asked only
    // about a lockfile the hand-written check refuses, for its answer.
    const zod = [vi.spyOn(lockfileSchema, 'safeParse'), vi.spyOn(lockfileSchema, 'parse')];
    try {
      await writeLockfile(dir, sample());
      expect(await readLockfile(dir)).toEqual(parseLockfile(serializeLockfile(sample())));
      expect(zod.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);
      await writeFile(join(dir, LOCKFILE_NAME), '{"lockfileVersion":1,"bundles":{"x":{}}}');
      await expect(readLockfile(dir)).rejects.toThrow(SkillsError);
      expect(zod[0]!.mock.calls.length).toBe(1);
    } finally {
      for (const spy of zod) spy.mockRestore();
    }
  });

  it('refuses to write a lockfile that would not read back', async () => {
    const bad = sample();
    bad.bundles['vercel-basics']!.integrity = 'md5-xyz';
    await expect(writeLockfile(dir, bad)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives LOCKFILE_INVALID without echoing content', () => {
    const secret = 'sk_live_0123456789abcdefghij';
    const cases = [
      `{"lockfileVersion": 1, ${secret}`,
      JSON.stringify({ lockfileVersion: 1, bundles: { a: { version: secret } } }),
      JSON.stringify({ lockfileVersion: 1, [secret]: true }),
      JSON.stringify({ lockfileVersion: 1, bundles: { [`\u001b[2J${secret}`]: {} } }),
      JSON.stringify({ lockfileVersion: 7 }),
      JSON.stringify([secret]),
    ];
    for (const text of cases) {
      const err = errorOf(() => parseLockfile(text));
      expect(err.code).toBe('LOCKFILE_INVALID');
      expect(`${err.message} ${err.hint}`).not.toContain(secret);
      expect(err.message).not.toContain('\u001b');
    }
    expect(errorOf(() => parseLockfile(cases[1]!)).message).toContain('bundles.a.version');
  });

  it('compares skills.json with the ranges the lockfile was resolved for', () => {
    const lock = sample();
    expect(isCurrent(lockfileDrift(lock, { 'docs-site': '^1.0.0', 'deploy-vercel': 'latest' }))).toBe(true);
    expect(lockfileDrift(lock, { 'docs-site': '^2.0.0', extra: '1' })).toEqual({
      added: ['extra'],
      removed: ['deploy-vercel'],
      changed: [{ name: 'docs-site', from: '^1.0.0', to: '^2.0.0' }],
    });
  });

  it('reads a lockfile with a broken file as LOCKFILE_INVALID', async () => {
    await writeFile(join(dir, LOCKFILE_NAME), 'not json');
    await expect(readLockfile(dir)).rejects.toMatchObject({ code: 'LOCKFILE_INVALID' });
  });
});
