import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { runMain } from './helpers/run-main.ts';

/** Progress of a long install: on a terminal only, never with --json, never off a terminal. */
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-progress-'));
  const { token } = await reg.createUser('alice');
  env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
  for (const [name, deps] of [
    ['base', {}],
    ['greet', { base: '^1.0.0' }],
  ] as const) {
    const r = await runMain(
      ['publish', await writeBundle(join(root, 'src'), name, '1.0.0', { dependencies: deps })],
      {
        cwd: root,
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await reg?.close();
  await cleanup?.();
});

async function installIn(name: string, extra: string[], stderrTty: boolean) {
  const cwd = join(root, name);
  await mkdir(cwd, { recursive: true });
  // One home for every project of this file, so the second install finds the store filled.
  const r = await runMain(['install', 'greet', ...extra], { cwd, env: { ...env, ...home }, stderrTty });
  expect(r.code, r.stderr).toBe(0);
  return r.stderr.split('\n').filter((l) => / of \d+: |^fetching \S+@/.test(l));
}
let home: Record<string, string>;

describe('install progress', () => {
  it('names what it fetches and counts n of m on a terminal', async () => {
    home = {
      HOME: join(root, 'home'),
      XDG_CONFIG_HOME: join(root, 'home/config'),
      XDG_CACHE_HOME: join(root, 'home/cache'),
    };
    const lines = await installIn('first', [], true);
    expect(lines.filter((l) => l.startsWith('fetching ')).sort()).toEqual([
      'fetching base@1.0.0…',
      'fetching greet@1.0.0…',
    ]);
    expect(lines.filter((l) => l.includes(' of ')).map((l) => l.slice(0, 6))).toEqual(['1 of 2', '2 of 2']);
  });

  it('says when a bundle comes from the store', async () => {
    const lines = await installIn('second', [], true);
    expect(lines.filter((l) => l.startsWith('fetching '))).toEqual([]);
    expect(lines.filter((l) => l.endsWith('(from the store)'))).toHaveLength(2);
  });

  it('writes nothing extra with --json or off a terminal', async () => {
    expect(await installIn('third', ['--json'], true)).toEqual([]);
    expect(await installIn('fourth', [], false)).toEqual([]);
  });
});
