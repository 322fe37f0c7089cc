import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, singleSkillBundle, writeTree } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { type CliRun, cliHome } from './helpers/run-cli.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * main() in process (the spawned binary is covered by bin.test.ts) against a real registry on
 * port 0: the publishing and account side of docs/cli.md, with its --json shapes. Each `it`
 * has its own world (registry with users alice and bob, folder, home) and builds what it starts
 * from with the fixture steps below, so any one runs alone and in any order.
 */
let reg: TestRegistry;
let cwd: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
let outputs: CliRun[];
let alicePassword = '';

async function cli(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}) {
  const r = await runMain(args, {
    cwd,
    env: { ...env, ...opts.env },
    ...(opts.input ? { input: opts.input } : {}),
  });
  outputs.push(r);
  return r;
}
async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const r = await cli([...args, '--json']);
  expect(r.stderr, `${args.join(' ')}: ${r.stderr}`).not.toMatch(/^ERR_SKILLS_/m);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeEach(async () => {
  reg = await startTestRegistry();
  ({ dir: cwd, cleanup } = await makeTempDir('skills-e2e-'));
  env = { SKILLS_REGISTRY: reg.url };
  outputs = [];
  // Signup goes through POST /v1/users; the CLI logs in with the password below.
  alicePassword = (await reg.createUser('alice')).password;
  await reg.createUser('bob');
  await writeTree(
    join(cwd, 'bundle'),
    singleSkillBundle('e2e-deploy', '1.0.0', { keywords: ['e2e', 'deploy'], category: 'deploy' }),
  );
}, 60_000);

afterEach(async () => {
  await reg?.close();
  await cleanup?.();
});

// Fixture steps: each test runs those its starting state needs.

/** Logs in as alice with her password (the token lands in this world's config). */
async function login(): Promise<void> {
  const r = await cli(['login', '--username', 'alice', '--password-stdin'], { input: `${alicePassword}\n` });
  expect(r.code, r.stderr).toBe(0);
}

/** Logged in, e2e-deploy@1.0.0 published (`latest`). */
async function publishFirst(): Promise<void> {
  await login();
  await json(['publish', 'bundle']);
}

/** Also e2e-deploy@1.1.0-beta.1 published under the `beta` tag. */
async function publishBeta(): Promise<void> {
  await publishFirst();
  const manifest = JSON.parse(await readFile(join(cwd, 'bundle/skill.json'), 'utf8'));
  await writeFile(join(cwd, 'bundle/skill.json'), JSON.stringify({ ...manifest, version: '1.1.0-beta.1' }));
  await json(['publish', 'bundle', '--tag', 'beta']);
}

describe('skills against a real registry', { timeout: 60_000 }, () => {
  it('logs in with a password and knows who it is', async () => {
    const login = await cli(['login', '--username', 'alice', '--password-stdin'], {
      input: `${alicePassword}\n`,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toBe(`logged in to ${reg.url} as alice\n`);
    expect(await json(['whoami'])).toEqual({ username: 'alice', registry: reg.url });
  });

  it('publishes, and refuses the same version again with the registry message', async () => {
    await login();
    const pub = await json(['publish', 'bundle']);
    expect(pub).toMatchObject({ name: 'e2e-deploy', version: '1.0.0', dryRun: false, registry: reg.url });
    expect(pub.integrity).toMatch(/^sha512-/);
    const packed = await json(['pack', 'bundle', '--out', 'p.tgz']);
    expect(packed.integrity).toBe(pub.integrity);

    const again = await cli(['publish', 'bundle']);
    expect(again.code).toBe(1);
    const [first, hint] = again.stderr.split('\n');
    expect(first).toMatch(/^ERR_SKILLS_VERSION_EXISTS: \S.*$/);
    expect(hint).toMatch(/^hint: bump "version"/);
    expect(again.stdout).toBe('');
  });

  it('publishes a tarball with a tag', async () => {
    await publishFirst();
    const manifest = JSON.parse(await readFile(join(cwd, 'bundle/skill.json'), 'utf8'));
    await writeFile(join(cwd, 'bundle/skill.json'), JSON.stringify({ ...manifest, version: '1.1.0-beta.1' }));
    expect((await json(['pack', 'bundle', '--out', 'beta.tgz'])).version).toBe('1.1.0-beta.1');
    const pub = await json(['publish', 'beta.tgz', '--tag', 'beta']);
    expect(pub).toMatchObject({ version: '1.1.0-beta.1', tag: 'beta' });
    const tags = await json<{ name: string; distTags: Record<string, string> }>([
      'dist-tag',
      'ls',
      'e2e-deploy',
    ]);
    expect(tags).toEqual({ name: 'e2e-deploy', distTags: { latest: '1.0.0', beta: '1.1.0-beta.1' } });
  });

  it('adds, lists and removes dist-tags', async () => {
    await publishBeta();
    await json(['dist-tag', 'add', 'e2e-deploy@1.0.0', 'stable']);
    expect(
      (await json<{ distTags: Record<string, string> }>(['dist-tag', 'ls', 'e2e-deploy'])).distTags.stable,
    ).toBe('1.0.0');
    const rm = await json<{ distTags: Record<string, string> }>(['dist-tag', 'rm', 'e2e-deploy', 'stable']);
    expect(rm.distTags.stable).toBeUndefined();
    const text = await cli(['dist-tag', 'ls', 'e2e-deploy']);
    expect(text.stdout).toMatch(/^latest: +1\.0\.0\nbeta: +1\.1\.0-beta\.1$/m);
  });

  it('deprecates by range, yanks and unyanks, and info shows it', async () => {
    await publishBeta();
    const dep = await json(['deprecate', 'e2e-deploy@<1.1.0-0', 'use 1.1 or later']);
    expect(dep).toEqual({ name: 'e2e-deploy', versions: ['1.0.0'], message: 'use 1.1 or later' });
    await json(['yank', 'e2e-deploy@1.1.0-beta.1']);

    type Info = {
      name: string;
      distTags: Record<string, string>;
      owners: string[];
      versions: { version: string; deprecated?: string; yanked?: boolean }[];
      selected: {
        version: string;
        deprecated?: string;
        integrity: string;
        skills: { name: string }[];
        capabilities: object;
      };
    };
    const info = await json<Info>(['info', 'e2e-deploy@1.0.0']);
    expect(info.name).toBe('e2e-deploy');
    expect(info.owners).toEqual(['alice']);
    expect(info.selected).toMatchObject({
      version: '1.0.0',
      deprecated: 'use 1.1 or later',
      skills: [{ name: 'e2e-deploy' }],
    });
    expect(info.versions).toEqual([
      expect.objectContaining({ version: '1.0.0', deprecated: 'use 1.1 or later' }),
      expect.objectContaining({ version: '1.1.0-beta.1', yanked: true }),
    ]);
    const text = await cli(['info', 'e2e-deploy@1.0.0']);
    expect(text.stdout).toMatch(/^e2e-deploy@1\.0\.0 /);
    expect(text.stdout).toContain('DEPRECATED: use 1.1 or later');

    await json(['unyank', 'e2e-deploy@1.1.0-beta.1']);
    const after = await json<Info>(['info', 'e2e-deploy']);
    expect(after.versions.find((v) => v.version === '1.1.0-beta.1')?.yanked).toBeUndefined();
    const undep = await json(['deprecate', 'e2e-deploy@1.0.0', '']);
    expect(undep.versions).toEqual(['1.0.0']);
  });

  it('manages owners', async () => {
    await publishFirst();
    expect(await json(['owner', 'add', 'e2e-deploy', 'bob'])).toEqual({
      name: 'e2e-deploy',
      owners: ['alice', 'bob'],
    });
    expect((await json<{ owners: string[] }>(['owner', 'ls', 'e2e-deploy'])).owners).toEqual([
      'alice',
      'bob',
    ]);
    expect((await json<{ owners: string[] }>(['owner', 'rm', 'e2e-deploy', 'bob'])).owners).toEqual([
      'alice',
    ]);
  });

  it('searches, and suggests a close name for a typo', async () => {
    await publishFirst();
    const found = await json<{ total: number; results: { name: string }[] }>(['search', 'deploy']);
    expect(found.results.map((r) => r.name)).toContain('e2e-deploy');
    const byCategory = await json<{ results: { name: string }[] }>(['search', '--category', 'deploy']);
    expect(byCategory.results.map((r) => r.name)).toContain('e2e-deploy');
    const missing = await cli(['info', 'e2e-deplo']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ERR_SKILLS_NOT_FOUND: /);
  });

  it('creates, lists and revokes tokens; a revoked token stops working', async () => {
    await login();
    const created = await cli(['token', 'create', '--scope', 'read', '--expires', '7d']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token.split('\n')).toHaveLength(1);
    const viaToken = await cli(['whoami', '--json'], { env: { SKILLS_TOKEN: token } });
    expect(JSON.parse(viaToken.stdout).username).toBe('alice');

    const list = await json<{ tokens: { id: string; scope: string; expiresAt: string | null }[] }>([
      'token',
      'list',
    ]);
    const mine = list.tokens.find((t) => t.scope === 'read');
    expect(mine?.expiresAt).toBeTruthy();
    expect(JSON.stringify(list)).not.toContain(token);
    expect(await json(['token', 'revoke', mine!.id])).toEqual({ id: mine!.id, revoked: true });
    const revoked = await cli(['whoami'], { env: { SKILLS_TOKEN: token } });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^ERR_SKILLS_UNAUTHORIZED: /);
    // The only output that ever held a token is `token create` itself.
    const leaks = outputs.filter((o) => o !== created && (o.stdout + o.stderr).includes(token));
    expect(leaks).toEqual([]);
  });

  it('a read token cannot publish; logout forgets and revokes the login token', async () => {
    await publishFirst();
    const read = (await cli(['token', 'create', '--scope', 'read'])).stdout.trim();
    const denied = await cli(['dist-tag', 'add', 'e2e-deploy@1.0.0', 'x'], { env: { SKILLS_TOKEN: read } });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^ERR_SKILLS_(FORBIDDEN|UNAUTHORIZED): /);

    const config = JSON.parse(
      await readFile(join(cliHome(cwd).XDG_CONFIG_HOME, 'skills/config.json'), 'utf8'),
    );
    const loginToken = config.registries[reg.url].token as string;
    expect(await json(['logout'])).toEqual({ registry: reg.url, loggedOut: true, revoked: true });
    const who = await cli(['whoami']);
    expect(who.stderr).toMatch(/^ERR_SKILLS_UNAUTHORIZED: not logged in/);
    const stale = await cli(['whoami'], { env: { SKILLS_TOKEN: loginToken } });
    expect(stale.stderr).toMatch(/^ERR_SKILLS_UNAUTHORIZED: /);
    expect(outputs.some((o) => (o.stdout + o.stderr).includes(loginToken))).toBe(false);
  });

  it('pins the registry key on trust', async () => {
    const trust = await json<{ registry: string; keys: string[] }>(['trust']);
    expect(trust.registry).toBe(reg.url);
    expect(trust.keys.length).toBeGreaterThan(0);
  });
});
