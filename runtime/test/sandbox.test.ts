import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBwrap, type LoadedSkill, runSkillScript } from '../src/index.ts';
import { makeProject, skillMd } from './helpers/project.ts';

const BWRAP = findBwrap(process.env.PATH);
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** A project with one skill whose scripts try to escape; `capabilities` as the lockfile would grant. */
async function setup(capabilities: LoadedSkill['capabilities']) {
  const outside = await makeProject({ 'secret.txt': 'outside-secret-0001' });
  const cwd = await makeProject({
    '.agents/skills/probe/SKILL.md': skillMd('probe', 'Probes its limits.'),
    '.agents/skills/probe/scripts/write.sh': '#!/bin/sh\necho x > "$1" && echo wrote\n',
    '.agents/skills/probe/scripts/read.sh': '#!/bin/sh\ncat "$1"\n',
    '.agents/skills/probe/scripts/env.sh':
      '#!/bin/sh\necho "secret=${UNDECLARED_SECRET:-unset} declared=${DECLARED:-unset} home=$HOME"\n',
    '.agents/skills/probe/scripts/connect.mjs':
      "import { connect } from 'node:net';\nconst s = connect(Number(process.argv[2]), '127.0.0.1');\ns.on('connect', () => { console.log('connected'); s.end(); });\ns.on('error', (e) => { console.log('refused', e.code); process.exitCode = 3; });\n",
  });
  await mkdir(join(cwd, 'out'));
  for (const f of ['write.sh', 'read.sh', 'env.sh'])
    await chmod(join(cwd, '.agents/skills/probe/scripts', f), 0o755);
  const skill = { dir: join(cwd, '.agents/skills/probe'), ...(capabilities ? { capabilities } : {}) };
  const env = { PATH: process.env.PATH, HOME: '/root', UNDECLARED_SECRET: 'leak-0002', DECLARED: 'ok-0003' };
  const run = (script: string, args: string[], require = false) =>
    runSkillScript({ skill, script, args, cwd, env, sandbox: { bwrap: BWRAP, require } });
  return { cwd, outside, run };
}

describe.skipIf(!BWRAP)('sandboxed scripts (bwrap found)', () => {
  it('writes only inside the declared write paths', async () => {
    const { cwd, outside, run } = await setup({ write: ['out'] });
    expect(await run('write.sh', [join(cwd, 'out/ok.txt')])).toMatchObject({
      exitCode: 0,
      stdout: 'wrote\n',
    });
    expect(await exists(join(cwd, 'out/ok.txt'))).toBe(true);
    const inProject = await run('write.sh', [join(cwd, 'src.txt')]);
    expect(inProject.exitCode).not.toBe(0);
    expect(inProject.stderr).toMatch(/Read-only file system/);
    expect(await exists(join(cwd, 'src.txt'))).toBe(false);
    expect((await run('write.sh', [join(outside, 'x.txt')])).exitCode).not.toBe(0);
    expect(await exists(join(outside, 'x.txt'))).toBe(false);
  });

  it('sees no file outside the project and the system folders', async () => {
    const { outside, run } = await setup({});
    const r = await run('read.sh', [join(outside, 'secret.txt')]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toContain('outside-secret-0001');
  });

  it('has no network unless the bundle declares it', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    try {
      const denied = await (await setup({})).run('connect.mjs', [port]);
      expect(denied).toMatchObject({ exitCode: 3, stdout: expect.stringMatching(/^refused/) });
      const allowed = await (await setup({ network: ['127.0.0.1'] })).run('connect.mjs', [port]);
      expect(allowed).toMatchObject({ exitCode: 0, stdout: 'connected\n' });
    } finally {
      server.close();
    }
  });

  it('gets only declared variables, with HOME and TMPDIR a private /tmp', async () => {
    const { run } = await setup({ env: ['DECLARED'] });
    expect((await run('env.sh', [])).stdout).toBe('secret=unset declared=ok-0003 home=/tmp\n');
  });

  it('is killed at its time limit', async () => {
    const { cwd } = await setup({});
    await writeFile(join(cwd, '.agents/skills/probe/scripts/spin.sh'), '#!/bin/sh\nwhile :; do :; done\n', {
      mode: 0o755,
    });
    const r = await runSkillScript({
      skill: { dir: join(cwd, '.agents/skills/probe') },
      script: 'spin.sh',
      args: [],
      cwd,
      env: { PATH: process.env.PATH },
      timeoutMs: 300,
      sandbox: { bwrap: BWRAP, require: true },
    });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
  }, 30_000);
});

describe('without bwrap', () => {
  it('--require-sandbox refuses to run a script; otherwise it runs unconfined', async () => {
    const { cwd } = await setup({});
    const skill = { dir: join(cwd, '.agents/skills/probe') };
    const base = { skill, script: 'write.sh', cwd, env: { PATH: process.env.PATH } };
    await expect(
      runSkillScript({ ...base, args: [join(cwd, 'a.txt')], sandbox: { bwrap: null, require: true } }),
    ).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
    expect(await exists(join(cwd, 'a.txt'))).toBe(false);
    const r = await runSkillScript({
      ...base,
      args: [join(cwd, 'b.txt')],
      sandbox: { bwrap: null, require: false },
    });
    expect(r.exitCode).toBe(0);
  });
});
