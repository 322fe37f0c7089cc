import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';

/** The built `dist/bin.js` as real processes; skipped when it is not built (npm test builds first). */

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const built = existsSync(BIN);
const { defer, tempDir } = useCleanups('registry-bin-');

/** Starts `node dist/bin.js serve …` and resolves with its first stdout line. */
function serve(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; firstLine: string; stderr: string[] }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: isolatedEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  defer(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (firstLine) =>
      resolve({ child, firstLine, stderr }),
    );
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr.join('\n')}`)));
  });
}

/** The parent's environment minus what would point a spawned registry at shared storage (CI sets DATABASE_URL). */
function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of [
    'DATABASE_URL',
    'SKILLS_BLOB_STORE',
    'SKILLS_DATA_DIR',
    'HOST',
    'PORT',
    'SKILLS_PUBLIC_URL',
    'SKILLS_SIGNUP',
    'SKILLS_RATE_LIMIT',
  ]) {
    delete env[key];
  }
  return { ...env, ...extra };
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

describe.skipIf(!built)('the built binary', () => {
  test('first line `listening on http://HOST:PORT`, JSON request logs on stderr, SIGTERM exits 0', async () => {
    const { child, firstLine, stderr } = await serve(['--port', '0', '--data-dir', await tempDir()]);
    expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = firstLine.slice('listening on '.length);
    const res = await fetch(`${url}/v1/health`, { headers: { 'x-request-id': 'spawned-1' } });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    const line = stderr
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === 'spawned-1');
    expect(line).toMatchObject({ msg: 'request', status: 200, path: '/v1/health' });
  });

  test('PORT, HOST and SKILLS_DATA_DIR come from the environment', async () => {
    const dataDir = await tempDir();
    const { child, firstLine } = await serve([], { PORT: '0', HOST: '127.0.0.1', SKILLS_DATA_DIR: dataDir });
    expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(dataDir, 'registry.db'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  test('user add and token create work offline; the token works on a running server', async () => {
    const dataDir = await tempDir();
    const run = (args: string[], input?: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir], { env: isolatedEnv() });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.stdin.end(input ?? '');
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    expect(
      (await run(['user', 'add', 'admin-user', '--password-stdin', '--admin'], 'a long password\n')).code,
    ).toBe(0);
    const created = await run([
      'token',
      'create',
      '--user',
      'admin-user',
      '--scope',
      'read',
      '--expires',
      '30d',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^sk_[A-Za-z0-9_-]{43}\n$/);
    expect((await run(['token', 'create', '--user', 'nobody'])).code).toBe(1);
    expect((await run(['token', 'create', '--user', 'admin-user', '--scope', 'all'])).code).toBe(2);
    const { child, firstLine } = await serve(['--port', '0', '--data-dir', dataDir]);
    const url = firstLine.slice('listening on '.length);
    const who = await fetch(`${url}/v1/whoami`, {
      headers: { authorization: `Bearer ${created.stdout.trim()}` },
    });
    expect(await who.json()).toEqual({ username: 'admin-user' });
    child.kill('SIGTERM');
    await exitOf(child);
  });

  test('two processes on one data dir: 50 racing publishes of one version, exactly one 201', async () => {
    const dataDir = await tempDir();
    const a = await serve(['--port', '0', '--data-dir', dataDir, '--no-rate-limit']);
    const b = await serve(['--port', '0', '--data-dir', dataDir], { SKILLS_RATE_LIMIT: 'off' });
    const urls = [a, b].map((s) => s.firstLine.slice('listening on '.length));
    const tokenRun = spawn(
      process.execPath,
      [BIN, 'user', 'add', 'racer', '--password-stdin', '--data-dir', dataDir],
      { env: isolatedEnv() },
    );
    tokenRun.stdin.end('a long password');
    await exitOf(tokenRun);
    const tokenChild = spawn(
      process.execPath,
      [BIN, 'token', 'create', '--user', 'racer', '--data-dir', dataDir],
      { env: isolatedEnv() },
    );
    let token = '';
    tokenChild.stdout.on('data', (d) => (token += d));
    await exitOf(tokenChild);
    const tgz = new Uint8Array(bundleTarball('contended', '1.0.0'));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${urls[i % 2]}/v1/bundles/contended`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token.trim()}`, 'content-type': 'application/gzip' },
          body: tgz,
        }).then((res) => res.status),
      ),
    );
    expect(results.filter((s) => s === 201)).toHaveLength(1);
    expect(results.filter((s) => s === 409)).toHaveLength(49);
    const distinct = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${urls[i % 2]}/v1/bundles/contended`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token.trim()}`, 'content-type': 'application/gzip' },
          body: new Uint8Array(bundleTarball('contended', `2.0.${i}`)),
        }).then((res) => res.status),
      ),
    );
    expect(distinct).toEqual(Array(30).fill(201));
    const doc = (await (await fetch(`${urls[0]}/v1/bundles/contended`)).json()) as {
      versions: object;
      distTags: { latest: string };
    };
    expect(Object.keys(doc.versions)).toHaveLength(31);
    expect(doc.distTags.latest).toBe('2.0.29');
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await Promise.all([exitOf(a.child), exitOf(b.child)])).toEqual([0, 0]);
  }, 60_000);
});
