import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import type { CliRun } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * `-g`: the user's skills in `~/.agents/skills`, linked into each agent's global folder, with
 * skills.json and skills-lock.json in `$XDG_CONFIG_HOME/skills/global`; in process through
 * main(), against a real registry on port 0, one world for the file, each `it` in order.
 */
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
let home: string;
let work: string;
const meta = () => join(home, 'config/skills/global');

async function cli(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  return runMain(args, { cwd: work, env: { ...env, ...extra } });
}
async function ok(args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  const r = await cli(args, extra);
  expect(r.code, `skills ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const gone = (path: string) =>
  lstat(path).then(
    () => false,
    () => true,
  );

beforeAll(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-e2e-global-'));
  home = join(root, 'home');
  work = join(root, 'somewhere');
  await mkdir(join(home, 'config'), { recursive: true });
  await mkdir(join(home, 'cache'), { recursive: true });
  await mkdir(work, { recursive: true });
  const { token } = await reg.createUser('alice');
  env = {
    SKILLS_REGISTRY: reg.url,
    SKILLS_TOKEN: token,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    CODEX_HOME: join(home, 'codex-home'),
  };
  for (const [name, version, deps] of [
    ['base', '1.0.0', {}],
    ['base', '1.1.0', {}],
    ['greet', '1.0.0', { base: '^1.0.0' }],
  ] as const) {
    const dir = await writeBundle(join(root, 'src'), name, version, { dependencies: deps });
    const r = await runMain(['publish', dir], { cwd: root, env });
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await reg?.close();
  await cleanup?.();
});

describe('global installs (-g)', () => {
  it("installs into ~/.agents/skills, links each agent's global folder, records in the config", async () => {
    await mkdir(join(home, '.claude'));
    const r = await ok(['install', '-g', 'greet', '--agent', 'claude,codex', '--json']);
    expect(
      JSON.parse(r.stdout)
        .bundles.map((b: { name: string }) => b.name)
        .sort(),
    ).toEqual(['base', 'greet']);
    expect((await readdir(join(home, '.agents/skills'))).sort()).toEqual(['base', 'greet']);
    expect(await readlink(join(home, '.claude/skills/greet'))).toBe('../../.agents/skills/greet');
    expect(await readlink(join(home, 'codex-home/skills/base'))).toBe('../../.agents/skills/base');
    const manifest = JSON.parse(await readFile(join(meta(), 'skills.json'), 'utf8'));
    expect(manifest).toMatchObject({ dependencies: { greet: '^1.0.0' }, agents: ['claude', 'codex'] });
    const lock = JSON.parse(await readFile(join(meta(), 'skills-lock.json'), 'utf8'));
    expect(Object.keys(lock.bundles).sort()).toEqual(['base', 'greet']);
    // Nothing is written where the command ran: a global install is no project's.
    expect(await readdir(work)).toEqual([]);
  });

  it('lists, verifies and reports outdated bundles of the global tree', async () => {
    const list = JSON.parse((await ok(['list', '-g', '--json'])).stdout);
    expect(
      list.bundles.map((b: { name: string; version: string }) => `${b.name}@${b.version}`).sort(),
    ).toEqual(['base@1.1.0', 'greet@1.0.0']);
    expect(list.agents).toEqual(['claude', 'codex']);
    expect(JSON.parse((await ok(['verify', '-g', '--json'])).stdout)).toMatchObject({
      ok: true,
      problems: [],
    });
    await rm(join(home, '.claude/skills/greet'));
    const broken = await cli(['verify', '-g', '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).problems).toEqual([
      { kind: 'link', bundle: 'greet', skill: 'greet', agent: 'claude', path: '.claude/skills/greet' },
    ]);
    expect(JSON.parse((await ok(['outdated', '-g', '--json'])).stdout).bundles).toEqual([]);
    // Without -g the project (none here) is asked, not the global tree.
    expect(JSON.parse((await ok(['list', '--json'])).stdout).bundles).toEqual([]);
  });

  it('ci -g puts back exactly the locked bytes and links', async () => {
    const skill = join(home, '.agents/skills/greet/SKILL.md');
    const before = await readFile(skill);
    const lockBefore = await readFile(join(meta(), 'skills-lock.json'), 'utf8');
    await rm(join(home, '.agents/skills'), { recursive: true });
    await ok(['ci', '-g']);
    expect((await readFile(skill)).equals(before)).toBe(true);
    expect(await readlink(join(home, '.claude/skills/greet'))).toBe('../../.agents/skills/greet');
    expect(await readFile(join(meta(), 'skills-lock.json'), 'utf8')).toBe(lockBefore);
    expect(JSON.parse((await ok(['verify', '-g', '--json'])).stdout).ok).toBe(true);
  });

  it('links every agent whose global folder exists with --agent all', async () => {
    await mkdir(join(home, '.codeium/windsurf'), { recursive: true });
    await mkdir(join(home, 'config/opencode'), { recursive: true });
    await ok(['install', '-g', '--agent', 'all']);
    const manifest = JSON.parse(await readFile(join(meta(), 'skills.json'), 'utf8'));
    // claude (~/.claude), codex ($CODEX_HOME), opencode and windsurf: their folders exist.
    expect(manifest.agents).toEqual(['claude', 'codex', 'opencode', 'windsurf']);
    expect(await readlink(join(home, '.codeium/windsurf/skills/greet'))).toBe(
      '../../../.agents/skills/greet',
    );
    expect(await readlink(join(home, 'config/opencode/skills/greet'))).toBe('../../../.agents/skills/greet');
  });

  it('refuses an agent home outside the home folder before writing anything', async () => {
    const outside = join(root, 'elsewhere-codex');
    const lockBefore = await readFile(join(meta(), 'skills-lock.json'), 'utf8');
    const r = await cli(['install', '-g', 'base@1.0.0'], { CODEX_HOME: outside });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ERR_SKILLS_UNSAFE_PATH');
    expect(await gone(outside)).toBe(true);
    expect(await readFile(join(meta(), 'skills-lock.json'), 'utf8')).toBe(lockBefore);
  });

  it('uninstall -g removes the skills and their links, leaving the user own skills', async () => {
    await writeFile(join(home, '.claude/skills/mine.md'), 'mine\n');
    await ok(['uninstall', '-g', 'greet']);
    expect(await readdir(join(home, '.agents/skills'))).toEqual([]);
    expect(await gone(join(home, '.claude/skills/greet'))).toBe(true);
    expect(await gone(join(home, 'codex-home/skills/base'))).toBe(true);
    expect(await readFile(join(home, '.claude/skills/mine.md'), 'utf8')).toBe('mine\n');
    const lock = JSON.parse(await readFile(join(meta(), 'skills-lock.json'), 'utf8'));
    expect(lock.bundles).toEqual({});
  });
});
