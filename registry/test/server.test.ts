import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { startServer } from '../src/index.ts';
import { bundleTarball, bundleTree } from './helpers/bundles.ts';

const pgUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL
  : undefined;
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const built = existsSync(BIN);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-server-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('startServer (in-process)', () => {
  test('a temp data dir and port 0 are all it needs; seeded users get tokens', async () => {
    const dataDir = await tempDir();
    const server = await startServer({
      port: 0,
      dataDir,
      users: [{ username: 'alice', password: 'a long password' }],
    });
    cleanups.push(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/v1/health`)).json()).toEqual({ status: 'ok' });
    const token = server.tokens.alice!;
    const who = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await who.json()).toEqual({ username: 'alice' });
    const put = await fetch(`${server.url}/v1/bundles/tool`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(bundleTarball('tool', '1.0.0')),
    });
    expect(put.status).toBe(201);
    const doc = (await (await fetch(`${server.url}/v1/bundles/tool`)).json()) as {
      versions: Record<string, { tarball: string }>;
    };
    expect(doc.versions['1.0.0']!.tarball.startsWith(server.url)).toBe(true);
    expect((await fetch(doc.versions['1.0.0']!.tarball)).status).toBe(200);
    // The signing key lives in the data dir with mode 0600, and /v1/keys serves it.
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(dataDir, 'keys', 'ed25519.pem'))).mode & 0o777).toBe(0o600);
    expect(((await (await fetch(`${server.url}/v1/keys`)).json()) as { keys: unknown[] }).keys).toHaveLength(
      1,
    );
  });

  test('close() lets an in-flight request finish and flushes download counts', async () => {
    const dataDir = await tempDir();
    const server = await startServer({ port: 0, dataDir, users: [{ username: 'alice' }] });
    const token = server.tokens.alice!;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' };
    await fetch(`${server.url}/v1/bundles/tool`, {
      method: 'PUT',
      headers,
      body: new Uint8Array(bundleTarball('tool', '1.0.0')),
    });
    for (let i = 0; i < 3; i++)
      await (await fetch(`${server.url}/v1/bundles/tool/-/tool-1.0.0.tgz`)).arrayBuffer();
    const inFlight = fetch(`${server.url}/v1/bundles/tool`, {
      method: 'PUT',
      headers,
      body: new Uint8Array(bundleTarball('tool', '1.0.1')),
    });
    await new Promise((ok) => setTimeout(ok, 5));
    const closing = server.close();
    expect((await inFlight).status).toBe(201);
    await closing;
    const again = await startServer({ port: 0, dataDir });
    cleanups.push(() => again.close());
    const doc = (await (await fetch(`${again.url}/v1/bundles/tool`)).json()) as {
      downloads: number;
      versions: object;
    };
    expect(doc.downloads).toBe(3);
    expect(Object.keys(doc.versions)).toEqual(['1.0.0', '1.0.1']);
  });

  test('huge headers are refused by the HTTP layer with a 4xx, not a crash', async () => {
    const server = await startServer({ port: 0, dataDir: await tempDir() });
    cleanups.push(() => server.close());
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/health`,
        { headers: { 'x-big': 'a'.repeat(64 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });

  test('--seed publishes each bundle folder once, as the system user', async () => {
    const seed = await tempDir();
    for (const name of ['alpha', 'beta']) {
      await mkdir(join(seed, name));
      for (const [file, text] of Object.entries(bundleTree(name, '1.0.0')))
        await writeFile(join(seed, name, file), text);
    }
    await mkdir(join(seed, 'broken'));
    await writeFile(join(seed, 'broken', 'README.md'), 'not a bundle');
    const dataDir = await tempDir();
    const logs: { msg: string }[] = [];
    const first = await startServer({ port: 0, dataDir, seedDir: seed, log: (e) => logs.push(e) });
    const doc = (await (await fetch(`${first.url}/v1/bundles/alpha`)).json()) as { owners: string[] };
    expect(doc.owners).toEqual(['system']);
    expect(logs.some((l) => l.msg === 'seed folder skipped')).toBe(true);
    await first.close();
    const second = await startServer({ port: 0, dataDir, seedDir: seed });
    cleanups.push(() => second.close());
    expect((await (await fetch(`${second.url}/v1/search`)).json()) as { total: number }).toMatchObject({
      total: 2,
    });
  });

  test('an unreachable PostgreSQL is a clear startup error', async () => {
    await expect(
      startServer({ port: 0, dataDir: await tempDir(), databaseUrl: 'postgres://u:secret@127.0.0.1:1/db' }),
    ).rejects.toThrow(/^cannot open PostgreSQL at postgres:\/\/u:…@127\.0\.0\.1:1\/db/);
  });

  test.skipIf(!pgUrl)(
    'with DATABASE_URL=postgres://… two servers share metadata, keys and the publish race',
    async () => {
      const schema = `registry_server_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Pool({ connectionString: pgUrl, max: 1 });
      await admin.query(`CREATE SCHEMA ${schema}`);
      cleanups.push(async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      });
      const databaseUrl = `${pgUrl}${pgUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const blobStore = `file://${await tempDir()}`;
      const a = await startServer({
        port: 0,
        dataDir: await tempDir(),
        databaseUrl,
        blobStore,
        users: [{ username: 'alice' }],
      });
      cleanups.push(() => a.close());
      const b = await startServer({ port: 0, dataDir: await tempDir(), databaseUrl, blobStore });
      cleanups.push(() => b.close());
      expect(a.store.kind).toBe('postgres');
      const put = (url: string, version: string) =>
        fetch(`${url}/v1/bundles/shared`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${a.tokens.alice}`, 'content-type': 'application/gzip' },
          body: new Uint8Array(bundleTarball('shared', version)),
        }).then((r) => r.status);
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => put(i % 2 ? a.url : b.url, '1.0.0')),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const doc = (await (await fetch(`${b.url}/v1/bundles/shared`)).json()) as {
        versions: Record<string, { tarball: string }>;
      };
      expect((await fetch(doc.versions['1.0.0']!.tarball)).status).toBe(200);
      const keys = (await (await fetch(`${b.url}/v1/keys`)).json()) as { keys: unknown[] };
      expect(keys.keys).toHaveLength(2);
    },
  );
});

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
  cleanups.push(async () => {
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
