import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import type { CliRun } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * The install side of docs/cli.md, in process through main(), against a real registry on port 0.
 * Each `it` has its own world (registry, project, home) and builds the state it starts from with
 * the fixture steps below, so any one runs alone and in any order.
 */
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
let project: string;

beforeEach(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-e2e-install-'));
  const { token } = await reg.createUser('alice');
  env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
  project = await newProject('app', {
    '.agents/skills/my-own/SKILL.md': 'my own skill, not from a bundle\n',
  });
}, 60_000);

afterEach(async () => {
  await reg?.close();
  await cleanup?.();
});

async function cli(args: string[], cwd = project, extra: Record<string, string> = {}): Promise<CliRun> {
  return runMain(args, { cwd, env: { ...env, ...extra } });
}
async function ok(args: string[], cwd = project): Promise<CliRun> {
  const r = await cli(args, cwd);
  expect(r.code, `skills ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
async function json<T = Record<string, unknown>>(args: string[], cwd = project): Promise<T> {
  return JSON.parse((await ok([...args, '--json'], cwd)).stdout) as T;
}
async function publish(name: string, version: string, b: Parameters<typeof writeBundle>[3] = {}) {
  await ok(['publish', await writeBundle(join(root, 'src'), name, version, b)], root);
}
const read = (path: string, cwd = project) => readFile(join(cwd, path), 'utf8');
const exists = (path: string, cwd = project) =>
  lstat(join(cwd, path)).then(
    () => true,
    () => false,
  );
async function newProject(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeTree(dir, files);
  return dir;
}

// Fixture steps: each test runs those its starting state needs, in this order.

/** vercel-basics 1.0.0, 1.1.0, 2.0.0; deploy-vercel 1.2.0 (two skills, a script) and docs-site 1.0.0. */
async function publishFirstReleases(): Promise<void> {
  await publish('vercel-basics', '1.0.0');
  await publish('vercel-basics', '1.1.0');
  await publish('vercel-basics', '2.0.0');
  await publish('deploy-vercel', '1.2.0', {
    skills: ['deploy', 'preview'],
    dependencies: { 'vercel-basics': '^1.0.0' },
    capabilities: { network: ['api.vercel.com'], exec: ['vercel'] },
    files: { 'skills/deploy/scripts/deploy.sh': '#!/bin/sh\nvercel deploy\n' },
  });
  await publish('docs-site', '1.0.0', { dependencies: { 'vercel-basics': '^1.1.0' } });
}

/** The first releases installed into `project` for claude, cursor and codex. */
async function installApp(): Promise<void> {
  await publishFirstReleases();
  await ok(['install', 'deploy-vercel', 'docs-site', '--agent', 'claude,cursor,codex']);
}

/** vercel-basics 1.2.0, and docs-site 1.1.0, which asks for more than 1.0.0 (exec, a new script). */
async function publishSecondReleases(): Promise<void> {
  await publish('vercel-basics', '1.2.0');
  await publish('docs-site', '1.1.0', {
    dependencies: { 'vercel-basics': '^1.1.0' },
    capabilities: { exec: ['mkdocs'] },
    files: { 'scripts/build.sh': '#!/bin/sh\nmkdocs build\n' },
  });
}

/** A changed file, an extra file, a deleted file and a removed agent link in the installed tree. */
async function editByHand(): Promise<void> {
  await writeFile(join(project, '.agents/skills/docs-site/SKILL.md'), 'edited by hand\n');
  await writeFile(join(project, '.agents/skills/docs-site/notes.md'), 'my notes\n');
  await rm(join(project, '.agents/skills/deploy/scripts/deploy.sh'));
  await rm(join(project, '.cursor/skills/preview'));
}

/** The app installed, then updated to the second releases (docs-site 1.1.0, vercel-basics 1.2.0). */
async function updatedApp(): Promise<void> {
  await installApp();
  await publishSecondReleases();
  await ok(['update', '--yes']);
}

describe('install, update, verify, uninstall against a real registry', { timeout: 90_000 }, () => {
  it('installs a dependency graph, adds ^VERSION ranges, links agents, leaves own skills alone', async () => {
    await publishFirstReleases();
    const r = await cli([
      'install',
      'deploy-vercel',
      'docs-site',
      '--agent',
      'claude,cursor,codex',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toEqual([
      { name: 'deploy-vercel', from: null, to: '1.2.0' },
      { name: 'docs-site', from: null, to: '1.0.0' },
      { name: 'vercel-basics', from: null, to: '1.1.0' },
    ]);
    expect(r.stderr).toContain('deploy-vercel@1.2.0 asks for: network api.vercel.com; exec vercel');
    const manifest = JSON.parse(await read('skills.json'));
    expect(manifest).toEqual({
      dependencies: { 'deploy-vercel': '^1.2.0', 'docs-site': '^1.0.0' },
      agents: ['claude', 'codex', 'cursor'],
    });
    const lock = JSON.parse(await read('skills-lock.json'));
    expect(lock.lockfileVersion).toBe(1);
    expect(lock.dependencies).toEqual(manifest.dependencies);
    expect(lock.bundles['deploy-vercel']).toMatchObject({
      version: '1.2.0',
      dependencies: { 'vercel-basics': '1.1.0' },
      skills: ['deploy', 'preview'],
      agents: ['claude', 'codex', 'cursor'],
    });
    expect(lock.bundles['deploy-vercel'].resolved).toBe(
      `${reg.url}/v1/bundles/deploy-vercel/-/deploy-vercel-1.2.0.tgz`,
    );
    expect(lock.bundles['deploy-vercel'].integrity).toMatch(/^sha512-/);
    expect(lock.bundles['deploy-vercel'].signature.keyid).toMatch(/^sha256:/);
    expect((await readdir(join(project, '.agents/skills'))).sort()).toEqual([
      'deploy',
      'docs-site',
      'my-own',
      'preview',
      'vercel-basics',
    ]);
    expect(await read('.agents/skills/deploy/SKILL.md')).toContain('deploy at 1.2.0');
    expect((await lstat(join(project, '.agents/skills/deploy/scripts/deploy.sh'))).mode & 0o777).toBe(0o755);
    expect(await read('.agents/skills/my-own/SKILL.md')).toBe('my own skill, not from a bundle\n');
    for (const dir of ['.claude/skills', '.codex/skills', '.cursor/skills']) {
      expect(await readlink(join(project, dir, 'deploy'))).toBe('../../.agents/skills/deploy');
      expect(await read(`${dir}/vercel-basics/SKILL.md`)).toContain('vercel-basics at 1.1.0');
      expect(await exists(`${dir}/my-own`)).toBe(false);
    }
    expect((await readdir(join(project, '.agents'))).sort()).toEqual(['skills']);
  });

  it('reinstalls exactly from the lockfile with ci: byte-identical lockfile, missing skills restored', async () => {
    await installApp();
    const before = await read('skills-lock.json');
    await rm(join(project, '.agents/skills/preview'), { recursive: true });
    await rm(join(project, '.claude/skills/preview'));
    const out = await json<{ frozen: boolean; changes: unknown[] }>(['ci']);
    expect(out.frozen).toBe(true);
    expect(out.changes).toEqual([]);
    expect(await read('skills-lock.json')).toBe(before);
    expect(await read('.agents/skills/preview/SKILL.md')).toContain('preview at 1.2.0');
    expect(await readlink(join(project, '.claude/skills/preview'))).toBe('../../.agents/skills/preview');
    expect(await read('.agents/skills/my-own/SKILL.md')).toBe('my own skill, not from a bundle\n');
    // A second plain install changes nothing either.
    await ok(['install']);
    expect(await read('skills-lock.json')).toBe(before);
  });

  it('fails ci when skills.json and the lockfile disagree', async () => {
    await installApp();
    const manifest = await read('skills.json');
    await writeFile(join(project, 'skills.json'), manifest.replace('"^1.0.0"', '"^1.0.1"'));
    const r = await cli(['ci']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_SKILLS_LOCKFILE_OUTDATED: skills-lock.json is out of date with skills.json: docs-site \^1.0.0 → \^1.0.1$/m,
    );
    await writeFile(join(project, 'skills.json'), manifest);
  });

  it('lists the installed tree', async () => {
    await installApp();
    const out = await json<{
      bundles: { name: string; version: string; direct: boolean }[];
      ownSkills: string[];
    }>(['list']);
    expect(out.bundles.map((b) => [b.name, b.version, b.direct])).toEqual([
      ['deploy-vercel', '1.2.0', true],
      ['docs-site', '1.0.0', true],
      ['vercel-basics', '1.1.0', false],
    ]);
    expect(out.ownSkills).toEqual(['my-own']);
    const text = (await ok(['list'])).stdout;
    expect(text).toContain(
      '├── deploy-vercel@1.2.0  [deploy, preview]\n│   └── vercel-basics@1.1.0  [vercel-basics]',
    );
    expect(text).toContain('└── docs-site@1.0.0');
  });

  it('shows outdated bundles: current, wanted, latest', async () => {
    await installApp();
    await publish('vercel-basics', '1.2.0');
    await publish('docs-site', '1.1.0', {
      dependencies: { 'vercel-basics': '^1.1.0' },
      capabilities: { exec: ['mkdocs'] },
      files: { 'scripts/build.sh': '#!/bin/sh\nmkdocs build\n' },
    });
    const out = await json<{ bundles: unknown[] }>(['outdated']);
    expect(out.bundles).toEqual([
      {
        name: 'docs-site',
        current: '1.0.0',
        wanted: '1.1.0',
        latest: '1.1.0',
        direct: true,
        ranges: ['^1.0.0'],
      },
      {
        name: 'vercel-basics',
        current: '1.1.0',
        wanted: '1.2.0',
        latest: '2.0.0',
        direct: false,
        ranges: ['^1.0.0', '^1.1.0'],
      },
    ]);
  });

  it('reports every changed, missing or extra file with verify', async () => {
    await installApp();
    expect(await json(['verify'])).toMatchObject({ ok: true, problems: [] });
    await writeFile(join(project, '.agents/skills/docs-site/SKILL.md'), 'edited by hand\n');
    await writeFile(join(project, '.agents/skills/docs-site/notes.md'), 'my notes\n');
    await rm(join(project, '.agents/skills/deploy/scripts/deploy.sh'));
    await rm(join(project, '.cursor/skills/preview'));
    const r = await cli(['verify', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual([
      {
        kind: 'missing',
        bundle: 'deploy-vercel',
        skill: 'deploy',
        path: '.agents/skills/deploy/scripts/deploy.sh',
      },
      {
        kind: 'link',
        bundle: 'deploy-vercel',
        skill: 'preview',
        agent: 'cursor',
        path: '.cursor/skills/preview',
      },
      { kind: 'changed', bundle: 'docs-site', skill: 'docs-site', path: '.agents/skills/docs-site/SKILL.md' },
      { kind: 'extra', bundle: 'docs-site', skill: 'docs-site', path: '.agents/skills/docs-site/notes.md' },
    ]);
  });

  it('will not overwrite local edits on update without --force', async () => {
    await installApp();
    await publishSecondReleases();
    await editByHand();
    const r = await cli(['update', 'docs-site']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERR_SKILLS_LOCAL_CHANGES: .*changed \.agents\/skills\/docs-site\/SKILL\.md/m);
    expect(r.stderr).toContain('--force');
    expect(await read('.agents/skills/docs-site/SKILL.md')).toBe('edited by hand\n');
    // A plain install keeps the edits of bundles it does not change, and repairs the link.
    await ok(['install']);
    expect(await read('.agents/skills/docs-site/SKILL.md')).toBe('edited by hand\n');
    expect(await readlink(join(project, '.cursor/skills/preview'))).toBe('../../.agents/skills/preview');
  });

  it('declines a widening update when the person says no', async () => {
    await installApp();
    await publishSecondReleases();
    const r = await runMain(['update', 'docs-site', '--force'], {
      cwd: project,
      env,
      tty: true,
      input: 'n\n',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('~ docs-site 1.0.0 → 1.1.0');
    expect(r.stderr).toContain('asks for more: exec mkdocs');
    expect(r.stderr).toContain('new scripts: scripts/build.sh');
    expect(r.stderr).toContain('docs-site ask for more than before. Update? [y/N]');
    expect(JSON.parse(await read('skills-lock.json')).bundles['docs-site'].version).toBe('1.0.0');
  });

  it('off a terminal, refuses a widening update without an explicit --yes and writes nothing', async () => {
    await installApp();
    await publishSecondReleases();
    const lockBefore = await read('skills-lock.json');
    const r = await cli(['update', '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('asks for more: exec mkdocs');
    expect(r.stderr).toMatch(/^ERR_SKILLS_CAPABILITIES_WIDENED: docs-site would ask for more than before/m);
    expect(r.stderr).toContain('skills update --yes');
    expect(await read('skills-lock.json')).toBe(lockBefore);
  });

  it('updates within ranges with --yes, showing what widens', async () => {
    await installApp();
    await publishSecondReleases();
    await editByHand();
    const r = await cli(['update', '--force', '--json', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toEqual([
      { name: 'docs-site', from: '1.0.0', to: '1.1.0' },
      { name: 'vercel-basics', from: '1.1.0', to: '1.2.0' },
    ]);
    expect(out.updates[0]).toMatchObject({
      name: 'docs-site',
      widened: { exec: ['mkdocs'] },
      newScripts: ['scripts/build.sh'],
    });
    expect(await read('.agents/skills/docs-site/SKILL.md')).toContain('docs-site at 1.1.0');
    expect(await exists('.agents/skills/docs-site/notes.md')).toBe(false);
    expect(JSON.parse(await read('skills.json')).dependencies['docs-site']).toBe('^1.0.0');
    // Bundles that did not change are kept as they are, a deleted file included; ci restores them exactly.
    expect((await cli(['verify', '--json'])).stdout).toContain('.agents/skills/deploy/scripts/deploy.sh');
    await ok(['ci']);
    expect(await json(['verify'])).toMatchObject({ ok: true });
  });

  it('moves past a range with update --latest', async () => {
    await updatedApp();
    await publish('deploy-vercel', '2.0.0', {
      skills: ['deploy', 'preview'],
      dependencies: { 'vercel-basics': '^1.0.0' },
      capabilities: { network: ['api.vercel.com'], exec: ['vercel'] },
    });
    expect((await json<{ changes: unknown[] }>(['update'])).changes).toEqual([]);
    const out = await json<{ changes: unknown[] }>(['update', 'deploy-vercel', '--latest']);
    expect(out.changes).toEqual([{ name: 'deploy-vercel', from: '1.2.0', to: '2.0.0' }]);
    expect(JSON.parse(await read('skills.json')).dependencies['deploy-vercel']).toBe('^2.0.0');
  });

  it('never picks a yanked version for a new resolution, but installs it from a lockfile', async () => {
    await updatedApp();
    const lockBefore = await read('skills-lock.json');
    expect(JSON.parse(lockBefore).bundles['vercel-basics'].version).toBe('1.2.0');
    await ok(['yank', 'vercel-basics@1.2.0'], root);
    const fresh = await newProject('fresh-yank', { 'skills.json': await read('skills.json') });
    await json(['install'], fresh);
    expect(JSON.parse(await read('skills-lock.json', fresh)).bundles['vercel-basics'].version).toBe('1.1.0');
    const clone = await newProject('clone-yank', {
      'skills.json': await read('skills.json'),
      'skills-lock.json': lockBefore,
    });
    const ci = await runMain(['ci'], { cwd: clone, env });
    expect(ci.code, ci.stderr).toBe(0);
    // A fresh clone gets every skill written; ci says so instead of "up to date".
    expect(ci.stdout).toMatch(/^wrote \d+ of \d+ skill\(s\) .* from the lockfile/m);
    expect(ci.stdout).not.toContain('up to date');
    expect(await read('.agents/skills/vercel-basics/SKILL.md', clone)).toContain('vercel-basics at 1.2.0');
    await json(['install'], clone);
    expect(await read('skills-lock.json', clone)).toBe(lockBefore);
  });

  it('warns about deprecated versions at install', async () => {
    await publishFirstReleases();
    await ok(['deprecate', 'vercel-basics@2.0.0', 'use 1.x, 2.0.0 is broken'], root);
    const dir = await newProject('deprecated');
    const r = await cli(['install', 'vercel-basics@2.0.0', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: vercel-basics@2.0.0 is deprecated: use 1.x, 2.0.0 is broken');
    expect(JSON.parse(r.stdout).warnings).toContainEqual({
      code: 'DEPRECATED',
      bundle: 'vercel-basics',
      version: '2.0.0',
      message: 'use 1.x, 2.0.0 is broken',
    });
    expect(JSON.parse(await read('skills.json', dir)).dependencies).toEqual({ 'vercel-basics': '2.0.0' });
  });

  it('refuses a graph that cannot be satisfied, naming both chains, and writes nothing', async () => {
    await publishFirstReleases();
    await publishSecondReleases();
    const dir = await newProject('conflict', {
      'skills.json': '{"dependencies": {"docs-site": "^1.1.0"}}\n',
    });
    const r = await cli(['install', 'vercel-basics@^2.0.0'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_SKILLS_VERSION_CONFLICT: skills\.json → vercel-basics@\^2\.0\.0 conflicts with docs-site@1\.1\.0 → vercel-basics@\^1\.1\.0$/m,
    );
    expect((await readdir(dir)).sort()).toEqual(['skills.json']);
  });

  it('uninstalls bundles with their skills and links, keeping what others need and own skills', async () => {
    await updatedApp();
    const out = await json<{ changes: unknown[] }>(['uninstall', 'docs-site']);
    expect(out.changes).toEqual([{ name: 'docs-site', from: '1.1.0', to: null }]);
    expect(await exists('.agents/skills/docs-site')).toBe(false);
    expect(await exists('.claude/skills/docs-site')).toBe(false);
    expect(await exists('.agents/skills/vercel-basics')).toBe(true);
    await json(['uninstall', 'deploy-vercel']);
    expect(await readdir(join(project, '.agents/skills'))).toEqual(['my-own']);
    expect(await readdir(join(project, '.claude/skills'))).toEqual([]);
    expect(JSON.parse(await read('skills-lock.json')).bundles).toEqual({});
    expect(JSON.parse(await read('skills.json')).dependencies).toEqual({});
    const r = await cli(['uninstall', 'nothing-here']);
    expect(r.stderr).toMatch(/^ERR_SKILLS_NOT_A_DEPENDENCY/m);
  });
});
