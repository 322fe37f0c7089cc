import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { versionedSkill, writeBundle } from './fixtures/bundles.ts';
import { rawTgz } from './fixtures/raw-tar.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';
import { startTestRegistry } from './helpers/registry.ts';
import { type CliRun, cliHome } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * `skills install ./dir | ./x.tgz | git+…#ref` (docs/cli.md "Sources besides the registry"), in
 * process through main(). Unless a test starts one, the registry is an address nothing listens
 * on: these installs must not need it.
 */
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('skills-e2e-sources-'));
  env = { SKILLS_REGISTRY: 'http://127.0.0.1:9' };
});
afterEach(async () => {
  await cleanup?.();
});

const cli = (args: string[], cwd: string): Promise<CliRun> => runMain(args, { cwd, env });
async function ok(args: string[], cwd: string): Promise<CliRun> {
  const r = await cli(args, cwd);
  expect(r.code, `skills ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
async function json<T = Record<string, unknown>>(args: string[], cwd: string): Promise<T> {
  return JSON.parse((await ok([...args, '--json'], cwd)).stdout) as T;
}
async function dir(name: string): Promise<string> {
  const d = join(root, name);
  await mkdir(d, { recursive: true });
  return d;
}
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

/** Every file under `.agents/skills`: path → sha256 and mode bits (links and folders named as such). */
async function tree(project: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const s = await lstat(p);
      const rel = relative(project, p);
      if (s.isDirectory()) await walk(p);
      else if (s.isFile())
        out[rel] = `${createHash('sha256')
          .update(await readFile(p))
          .digest('hex')} ${(s.mode & 0o777).toString(8)}`;
      else out[rel] = 'not a file';
    }
  };
  await walk(join(project, '.agents/skills'));
  return out;
}

/** A fresh project beside `from` with its skills.json and lockfile, installed with `skills ci`. */
async function ciCopy(from: string, name: string): Promise<string> {
  const to = await dir(name);
  for (const f of ['skills.json', 'skills-lock.json']) await copyFile(join(from, f), join(to, f));
  await ok(['ci'], to);
  return to;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' },
    encoding: 'utf8',
  }).trim();
}

describe('install from a folder', () => {
  it('packs it as `skills pack` does, records file:PATH, verifies, and ci reproduces the bytes', async () => {
    const src = await writeBundle(await dir('src'), 'local-kit', '1.2.0', {
      skills: ['alpha', 'beta'],
      files: { 'skills/alpha/scripts/run.sh': '#!/bin/sh\necho hi\n' },
    });
    const project = await dir('app');
    const packed = await json<{ integrity: string }>(['pack', src, '--out', join(root, 'x.tgz')], root);

    await ok(['install', '../src/local-kit-1.2.0'], project);
    expect((await readJson(join(project, 'skills.json'))).dependencies).toEqual({
      'local-kit': 'file:../src/local-kit-1.2.0',
    });
    const lock = await readJson(join(project, 'skills-lock.json'));
    expect(lock.dependencies).toEqual({ 'local-kit': 'file:../src/local-kit-1.2.0' });
    expect(lock.bundles['local-kit']).toMatchObject({
      version: '1.2.0',
      resolved: 'file:../src/local-kit-1.2.0',
      integrity: packed.integrity,
      skills: ['alpha', 'beta'],
    });
    expect(lock.bundles['local-kit'].signature).toBeUndefined();
    const installed = await tree(project);
    expect(installed['.agents/skills/alpha/scripts/run.sh']).toMatch(/ 755$/);
    expect(await readFile(join(project, '.agents/skills/beta/SKILL.md'), 'utf8')).toBe(
      versionedSkill('beta', '1.2.0'),
    );
    await ok(['verify'], project);
    const listed = await json<{ bundles: { name: string; source: string; resolved: string }[] }>(
      ['list'],
      project,
    );
    expect(listed.bundles).toEqual([
      expect.objectContaining({ name: 'local-kit', source: 'file', resolved: 'file:../src/local-kit-1.2.0' }),
    ]);
    expect(await json(['outdated'], project)).toEqual({ bundles: [] });

    const copy = await ciCopy(project, 'app-ci');
    expect(await tree(copy)).toEqual(installed);
    await ok(['verify'], copy);

    // update reads the folder again (nothing changed: nothing to do); uninstall takes it away.
    expect((await json<{ changes: unknown[] }>(['update', '--yes'], project)).changes).toEqual([]);
    await ok(['uninstall', 'local-kit'], project);
    expect((await readJson(join(project, 'skills.json'))).dependencies).toEqual({});
    expect(await readdir(join(project, '.agents/skills'))).toEqual([]);
  });

  it('stops ci, naming the source and the locked integrity, when the folder changed after locking', async () => {
    const src = await writeBundle(await dir('src'), 'drifty', '1.0.0');
    const project = await dir('app');
    await ok(['install', '../src/drifty-1.0.0'], project);
    const locked = (await readJson(join(project, 'skills-lock.json'))).bundles.drifty.integrity as string;
    await writeFile(join(src, 'SKILL.md'), versionedSkill('drifty', '1.0.0', 'edited after locking\n'));

    // A fresh project (empty store) and the same project (the store holds the locked bytes) alike.
    for (const where of [await dir('fresh'), project]) {
      if (where !== project)
        for (const f of ['skills.json', 'skills-lock.json']) await copyFile(join(project, f), join(where, f));
      const before = await tree(project);
      const r = await cli(['ci', '--json'], where);
      expect(r.code, `${where} ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(
        /^ERR_SKILLS_INTEGRITY_MISMATCH: drifty: file:\.\.\/src\/drifty-1\.0\.0 no longer matches/m,
      );
      expect(r.stderr).toContain(`locked ${locked}`);
      expect(JSON.parse(r.stdout).error.details).toMatchObject({
        source: 'file:../src/drifty-1.0.0',
        expected: locked,
      });
      expect(await tree(project)).toEqual(before);
    }
    // `skills install` takes the folder as it is now and locks its new integrity.
    await ok(['install'], project);
    const relocked = (await readJson(join(project, 'skills-lock.json'))).bundles.drifty.integrity;
    expect(relocked).not.toBe(locked);
    expect(await readFile(join(project, '.agents/skills/drifty/SKILL.md'), 'utf8')).toMatch(
      /edited after locking/,
    );
  });

  it('installs a skill folder without skill.json as `skills pack --version 0.0.0` packs it', async () => {
    const project = await dir('app');
    await writeTree(project, {
      'vendor/note-taker/SKILL.md':
        '---\nname: note-taker\ndescription: Takes notes. Use when asked.\n---\nbody\n',
    });
    const packed = await json<{ integrity: string }>(
      ['pack', 'vendor/note-taker', '--version', '0.0.0', '--out', join(root, 'n.tgz')],
      project,
    );
    await ok(['install', './vendor/note-taker'], project);
    const lock = await readJson(join(project, 'skills-lock.json'));
    expect(lock.dependencies).toEqual({ 'note-taker': 'file:vendor/note-taker' });
    expect(lock.bundles['note-taker']).toMatchObject({ version: '0.0.0', integrity: packed.integrity });
    await ok(['verify'], project);
  });

  it('installs a registry dependency of a folder bundle from the registry', async () => {
    const reg = await startTestRegistry();
    try {
      const { token } = await reg.createUser('alice');
      env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
      await ok(['publish', await writeBundle(await dir('pub'), 'base-kit', '1.0.0')], root);
      await ok(['publish', await writeBundle(await dir('pub'), 'base-kit', '1.1.0')], root);
      await writeBundle(await dir('src'), 'on-top', '0.1.0', { dependencies: { 'base-kit': '^1.0.0' } });
      const project = await dir('app');
      await ok(['install', '../src/on-top-0.1.0'], project);
      const lock = await readJson(join(project, 'skills-lock.json'));
      expect(lock.bundles['on-top']).toMatchObject({
        resolved: 'file:../src/on-top-0.1.0',
        dependencies: { 'base-kit': '1.1.0' },
      });
      expect(lock.bundles['base-kit'].resolved).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(lock.bundles['base-kit'].version).toBe('1.1.0');
      expect(await readFile(join(project, '.agents/skills/base-kit/SKILL.md'), 'utf8')).toBe(
        versionedSkill('base-kit', '1.1.0'),
      );
      await ok(['verify'], project);
      const copy = await ciCopy(project, 'app-ci');
      expect(await tree(copy)).toEqual(await tree(project));
    } finally {
      await reg.close();
    }
  }, 60_000);
});

describe('install from a packed tarball', () => {
  it('keeps the tarball bytes (integrity of the file), verifies, and ci reproduces them', async () => {
    const src = await writeBundle(await dir('src'), 'packed-kit', '2.0.0', {
      files: { 'scripts/go.sh': '#!/bin/sh\necho go\n' },
    });
    const project = await dir('app');
    await mkdir(join(project, 'dist'));
    await ok(['pack', src, '--out', join(project, 'dist/packed-kit-2.0.0.tgz')], root);
    const bytes = await readFile(join(project, 'dist/packed-kit-2.0.0.tgz'));
    await ok(['install', './dist/packed-kit-2.0.0.tgz'], project);
    const lock = await readJson(join(project, 'skills-lock.json'));
    expect(lock.bundles['packed-kit']).toMatchObject({
      resolved: 'file:dist/packed-kit-2.0.0.tgz',
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    });
    expect((await tree(project))['.agents/skills/packed-kit/scripts/go.sh']).toMatch(/ 755$/);
    await ok(['verify'], project);
    const copy = await dir('copy');
    await mkdir(join(copy, 'dist'));
    await copyFile(join(project, 'dist/packed-kit-2.0.0.tgz'), join(copy, 'dist/packed-kit-2.0.0.tgz'));
    for (const f of ['skills.json', 'skills-lock.json']) await copyFile(join(project, f), join(copy, f));
    await ok(['ci'], copy);
    expect(await tree(copy)).toEqual(await tree(project));
  });

  it('refuses a hostile tarball with the archive rule it breaks, writing nothing', async () => {
    const manifest = { name: 'bundle/skill.json', data: '{"name":"evil","version":"1.0.0"}' };
    const md = { name: 'bundle/SKILL.md', data: versionedSkill('evil', '1.0.0') };
    const cases: [string, Buffer, string][] = [
      [
        'symlink',
        rawTgz([manifest, md, { name: 'bundle/passwd', type: '2', linkname: '/etc/passwd' }]),
        'LINK_ENTRY',
      ],
      ['traversal', rawTgz([manifest, md, { name: 'bundle/../../escaped.md', data: 'x' }]), 'PATH_TRAVERSAL'],
    ];
    for (const [what, tgz, reason] of cases) {
      const project = await dir(`hostile-${what}`);
      await writeFile(join(root, `${what}.tgz`), tgz);
      const r = await cli(['install', `../${what}.tgz`, '--json'], project);
      expect(r.code, `${what}: ${r.stderr}`).toBe(1);
      expect(r.stderr, what).toMatch(
        new RegExp(`^ERR_SKILLS_ARCHIVE_REFUSED: file:\\.\\./${what}\\.tgz: `, 'm'),
      );
      expect(JSON.parse(r.stdout).error.details.reason, what).toBe(reason);
      expect(await readdir(project), what).toEqual([]);
      expect(await readdir(join(cliHome(project).XDG_CACHE_HOME)), what).not.toContain('skills');
    }
    expect(await readdir(root)).not.toContain('escaped.md');
  });
});

describe('install from git', () => {
  /** A repository with `git-kit` 1.0.0 tagged v1, then 1.1.0 on main; returns both commits. */
  async function makeRepo(): Promise<{ repo: string; v1: string; v2: string }> {
    const repo = await writeBundle(await dir('repos'), 'git-kit', '1.0.0', {
      files: { 'scripts/tool.sh': '#!/bin/sh\necho tool\n' },
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'v1');
    git(repo, 'tag', '-a', 'v1', '-m', 'v1');
    const v1 = git(repo, 'rev-parse', 'HEAD');
    await writeFile(
      join(repo, 'skill.json'),
      (await readFile(join(repo, 'skill.json'), 'utf8')).replace('1.0.0', '1.1.0'),
    );
    await writeFile(join(repo, 'SKILL.md'), versionedSkill('git-kit', '1.1.0'));
    git(repo, 'commit', '-qam', 'v2');
    return { repo, v1, v2: git(repo, 'rev-parse', 'HEAD') };
  }

  it('installs a tag, pins its full commit, verifies, and ci fetches the locked commit', async () => {
    const { repo, v1 } = await makeRepo();
    const project = await dir('app');
    const spec = `git+file://${repo}#v1`;
    await ok(['install', spec], project);
    expect((await readJson(join(project, 'skills.json'))).dependencies).toEqual({ 'git-kit': spec });
    const lock = await readJson(join(project, 'skills-lock.json'));
    expect(lock.bundles['git-kit']).toMatchObject({ version: '1.0.0', resolved: `git+file://${repo}#${v1}` });
    const installed = await tree(project);
    expect(installed['.agents/skills/git-kit/scripts/tool.sh']).toMatch(/ 755$/);
    expect(Object.keys(installed).some((p) => p.includes('.git/'))).toBe(false);
    await ok(['verify'], project);
    expect((await json<{ bundles: { source: string }[] }>(['list'], project)).bundles[0]!.source).toBe('git');

    // The tag moves to a later commit: ci still installs the locked commit's bytes.
    git(repo, 'tag', '-f', '-a', 'v1', '-m', 'moved');
    const copy = await ciCopy(project, 'app-ci');
    expect(await tree(copy)).toEqual(installed);
    await ok(['verify'], copy);
    // A plain `install` keeps the locked commit, read from the store: the repository is not needed.
    await rename(repo, `${repo}.away`);
    await ok(['install'], project);
    expect((await readJson(join(project, 'skills-lock.json'))).bundles['git-kit'].version).toBe('1.0.0');
    expect((await cli(['install', spec], project)).stderr).toMatch(/^ERR_SKILLS_GIT_FAILED: /m);
    await rename(`${repo}.away`, repo);
    // Naming the spec again moves it to where the ref points now.
    await ok(['install', spec], project);
    expect((await readJson(join(project, 'skills-lock.json'))).bundles['git-kit'].version).toBe('1.1.0');
  });

  it('installs a full commit, and a branch, each pinned to its commit', async () => {
    const { repo, v1, v2 } = await makeRepo();
    const byCommit = await dir('by-commit');
    await ok(['install', `git+file://${repo}#${v1}`], byCommit);
    const lock = await readJson(join(byCommit, 'skills-lock.json'));
    expect(lock.bundles['git-kit']).toMatchObject({ version: '1.0.0', resolved: `git+file://${repo}#${v1}` });
    await ok(['verify'], byCommit);
    expect(await tree(await ciCopy(byCommit, 'by-commit-ci'))).toEqual(await tree(byCommit));

    const byBranch = await dir('by-branch');
    await ok(['install', `git+file://${repo}#main`], byBranch);
    expect((await readJson(join(byBranch, 'skills-lock.json'))).bundles['git-kit'].resolved).toBe(
      `git+file://${repo}#${v2}`,
    );
    const short = await dir('by-short-commit');
    await ok(['install', `git+file://${repo}#${v1.slice(0, 10)}`], short);
    expect((await readJson(join(short, 'skills-lock.json'))).bundles['git-kit'].resolved).toBe(
      `git+file://${repo}#${v1}`,
    );
    const missing = await cli(['install', `git+file://${repo}#no-such-tag`], await dir('missing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^ERR_SKILLS_GIT_FAILED: git\+file:\/\/.*#no-such-tag: "no-such-tag" is not a tag, branch or commit there$/m,
    );
  });

  it("never runs a hook: not the repository's, not one the user's git config would add", async () => {
    const { repo } = await makeRepo();
    const marker = join(root, 'hook-ran');
    const hook = `#!/bin/sh\necho "$0" >> '${marker}'\n`;
    const hooks = await dir('user-hooks');
    const template = await dir('user-template');
    for (const d of [join(repo, '.git/hooks'), hooks, join(template, 'hooks')]) {
      await mkdir(d, { recursive: true });
      for (const name of ['post-checkout', 'post-merge', 'reference-transaction', 'pre-auto-gc']) {
        await writeFile(join(d, name), hook);
        await chmod(join(d, name), 0o755);
      }
    }
    // The repository's own config names a command for fsmonitor (run by commands on its work tree).
    await writeFile(join(hooks, 'fsmonitor'), hook);
    await chmod(join(hooks, 'fsmonitor'), 0o755);
    git(repo, 'config', 'core.fsmonitor', join(hooks, 'fsmonitor'));
    const project = await dir('app');
    const home = cliHome(project).HOME;
    await writeFile(
      join(home, '.gitconfig'),
      `[core]\n\thooksPath = ${hooks}\n[init]\n\ttemplateDir = ${template}\n[protocol "file"]\n\tallow = always\n`,
    );
    // The setup is live: a plain clone under this HOME runs the user's hooks.
    execFileSync('git', ['clone', '-q', `file://${repo}`, join(root, 'plain-clone')], {
      env: { PATH: process.env.PATH, HOME: home },
    });
    expect(await readFile(marker, 'utf8')).toMatch(/post-checkout/);
    await writeFile(marker, '');

    await ok(['install', `git+file://${repo}#v1`], project);
    await ciCopy(project, 'app-ci');
    expect(await readFile(marker, 'utf8')).toBe('');
  });
});
