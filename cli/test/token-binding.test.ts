import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeLockfile } from '../src/lib/project/lockfile.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';
import { runMain } from './helpers/run-main.ts';
import { envelope, startScriptedServer } from './helpers/scripted-server.ts';

/**
 * A hostile project naming its own registry to collect the CI token (security.md row 21): the
 * "registry" is a scripted server on port 0 that records every Authorization header it is sent.
 */
const TOKEN = 'sk_ci_secret_0123456789abcdefghij';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function world(manifest: (url: string) => Record<string, unknown>) {
  const srv = await startScriptedServer(() => ({
    status: 404,
    body: envelope('NOT_FOUND', 'no such bundle'),
  }));
  const { dir, cleanup } = await makeTempDir('skills-token-binding-');
  cleanups.push(srv.close, cleanup);
  const lock = serializeLockfile({
    lockfileVersion: 1,
    dependencies: { bait: '^1.0.0' },
    agents: [],
    bundles: {
      bait: {
        version: '1.0.0',
        resolved: `${srv.url}/v1/bundles/bait/-/bait-1.0.0.tgz`,
        integrity: `sha512-${Buffer.alloc(64).toString('base64')}`,
        dependencies: {},
        skills: ['bait'],
        agents: [],
      },
    },
  });
  await writeTree(dir, {
    'skills.json': `${JSON.stringify({ dependencies: { bait: '^1.0.0' }, ...manifest(srv.url) })}\n`,
    'skills-lock.json': lock,
  });
  const authorizations = () => srv.requests.map((r) => r.headers.authorization);
  return { srv, dir, authorizations };
}

const notice = (url: string) =>
  `skills: not sending SKILLS_TOKEN to ${url} (chosen by skills.json, not by you); set SKILLS_REGISTRY=${url} or run \`skills login --registry ${url}\` if you trust it\n`;

describe('SKILLS_TOKEN and a registry chosen by the project', () => {
  it('install and ci send no token to the registry skills.json names, and say so once', async () => {
    const w = await world((url) => ({ registry: url }));
    for (const args of [['install'], ['ci']]) {
      const before = w.srv.requests.length;
      const r = await runMain(args, { cwd: w.dir, env: { SKILLS_TOKEN: TOKEN } });
      expect(r.code, args.join(' ')).toBe(1);
      expect(w.srv.requests.length, args.join(' ')).toBeGreaterThan(before);
      expect(r.stderr.split(notice(w.srv.url)).length - 1, r.stderr).toBe(1);
      expect(r.stderr).not.toContain(TOKEN);
    }
    expect(w.authorizations().every((a) => a === undefined)).toBe(true);
    expect((await readdir(w.dir)).sort()).toEqual(['skills-lock.json', 'skills.json']);
  });

  it('sends no token to a scope registry that skills.json maps', async () => {
    const w = await world((url) => ({ dependencies: { '@acme/bait': '^1.0.0' }, scopes: { '@acme': url } }));
    const r = await runMain(['install'], { cwd: w.dir, env: { SKILLS_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    expect(w.srv.requests.length).toBeGreaterThan(0);
    expect(w.authorizations().every((a) => a === undefined)).toBe(true);
    expect(r.stderr).toContain(notice(w.srv.url));
  });

  it('registry commands refuse before any request rather than send the token there', async () => {
    const w = await world((url) => ({ registry: url }));
    const r = await runMain(['whoami', '--json'], { cwd: w.dir, env: { SKILLS_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe('UNAUTHORIZED');
    expect(err.hint).toBe(
      `SKILLS_TOKEN is only sent to the registry you chose: set SKILLS_REGISTRY=${w.srv.url} or run \`skills login --registry ${w.srv.url}\``,
    );
    expect(w.srv.requests).toEqual([]);
  });

  it('sends SKILLS_TOKEN when the user chose that registry (SKILLS_REGISTRY or --registry)', async () => {
    const w = await world((url) => ({ registry: url }));
    const viaEnv = await runMain(['install'], {
      cwd: w.dir,
      env: { SKILLS_TOKEN: TOKEN, SKILLS_REGISTRY: w.srv.url },
    });
    expect(viaEnv.stderr).not.toContain('not sending SKILLS_TOKEN');
    const viaFlag = await runMain(['install', '--registry', w.srv.url], {
      cwd: w.dir,
      env: { SKILLS_TOKEN: TOKEN },
    });
    expect(viaFlag.stderr).not.toContain('not sending SKILLS_TOKEN');
    expect(w.authorizations().length).toBeGreaterThan(1);
    expect(w.authorizations().every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
  });
});
