import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { createInProcessPool, startServer } from '../src/index.ts';
import { bundleTarball, bundleTree } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';

/** startServer in-process: what the CLI's end-to-end tests rely on. */

const pgUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '')
  ? process.env.DATABASE_URL
  : undefined;

const { defer, tempDir } = useCleanups('registry-server-');

describe('startServer (in-process)', () => {
  test('a temp data dir and port 0 are all it needs; seeded users get tokens', async () => {
    const dataDir = await tempDir();
    const server = await startServer({
      port: 0,
      dataDir,
      users: [{ username: 'alice', password: 'a long password' }],
    });
    defer(() => server.close());
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
    // The upload is sent in two halves, and close() is called between them, so the request is
    // surely in flight (headers parsed, body unfinished) however loaded the machine is.
    const body = bundleTarball('tool', '1.0.1');
    const { status, firstHalfSent, sendRest } = streamedPut(`${server.url}/v1/bundles/tool`, headers, body);
    await firstHalfSent;
    await new Promise((ok) => setTimeout(ok, 100));
    const closing = server.close();
    sendRest();
    expect(await status).toBe(201);
    await closing;
    const again = await startServer({ port: 0, dataDir });
    defer(() => again.close());
    const doc = (await (await fetch(`${again.url}/v1/bundles/tool`)).json()) as {
      downloads: number;
      versions: object;
    };
    expect(doc.downloads).toBe(3);
    expect(Object.keys(doc.versions)).toEqual(['1.0.0', '1.0.1']);
  });

  test('huge headers are refused by the HTTP layer with a 4xx, not a crash', async () => {
    const server = await startServer({ port: 0, dataDir: await tempDir() });
    defer(() => server.close());
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
    defer(() => second.close());
    expect((await (await fetch(`${second.url}/v1/search`)).json()) as { total: number }).toMatchObject({
      total: 2,
    });
  });

  test('while draining (drainDelayMs) /v1/health is 503 but requests in flight and new ones are served', async () => {
    const server = await startServer({ port: 0, dataDir: await tempDir(), drainDelayMs: 2000 });
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
    const closed = server.close();
    const health = await fetch(`${server.url}/v1/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect((await fetch(`${server.url}/v1/search`)).status).toBe(200);
    await closed;
    await expect(fetch(`${server.url}/v1/health`)).rejects.toThrow();
  });

  test('--signing-key: every process signs with the shared key; a wrong file is a clear error', async () => {
    const dir = await tempDir();
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
    await writeFile(join(dir, 'key.pem'), pem, { mode: 0o600 });
    const a = await startServer({ port: 0, dataDir: await tempDir(), signingKey: join(dir, 'key.pem') });
    defer(() => a.close());
    const keys = (await (await fetch(`${a.url}/v1/keys`)).json()) as { keys: { publicKey: string }[] };
    const expected = createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('base64');
    expect(keys.keys.map((k) => k.publicKey)).toEqual([expected]);
    await writeFile(
      join(dir, 'rsa.pem'),
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    await expect(
      startServer({ port: 0, dataDir: await tempDir(), signingKey: join(dir, 'rsa.pem') }),
    ).rejects.toThrow(/rsa\.pem is not an Ed25519 private key/);
    await expect(
      startServer({ port: 0, dataDir: await tempDir(), signingKey: join(dir, 'none.pem') }),
    ).rejects.toThrow(/cannot read the signing key .*none\.pem: ENOENT/);
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
      defer(async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      });
      const databaseUrl = `${pgUrl}${pgUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const blobStore = `file://${await tempDir()}`;
      // The race is the store's: uploads run in process, sparing this test four worker threads.
      const deps = { uploadPool: createInProcessPool() };
      const a = await startServer({
        port: 0,
        dataDir: await tempDir(),
        databaseUrl,
        blobStore,
        users: [{ username: 'alice' }],
        deps,
      });
      defer(() => a.close());
      const b = await startServer({ port: 0, dataDir: await tempDir(), databaseUrl, blobStore, deps });
      defer(() => b.close());
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

/** A PUT whose body goes out in two writes, the second only when asked. */
function streamedPut(url: string, headers: Record<string, string>, body: Buffer) {
  let sendRest = () => {};
  let firstHalfSent = Promise.resolve();
  const status = new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    firstHalfSent = new Promise((ok) => req.write(body.subarray(0, half), () => ok()));
    sendRest = () => req.end(body.subarray(half));
  });
  return { status, firstHalfSent, sendRest };
}
