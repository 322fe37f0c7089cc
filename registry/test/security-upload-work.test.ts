import { randomBytes } from 'node:crypto';
import * as archive from '@skills/archive';
import { describe, expect, test, vi } from 'vitest';
import { startServer } from '../src/server.ts';
import { createInProcessPool, type UploadPool } from '../src/uploads/upload-pool.ts';
import { createWorkerPool } from '../src/uploads/worker-pool.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';
import { expectNothingLeft, snapshot } from './helpers/leftovers.ts';
import { openRaw, uploadHead } from './helpers/raw-http.ts';
import { makeTestRegistry } from './helpers/test-registry.ts';

/**
 * docs/security.md row 18: a request that will be refused costs no archive work. Who may write NAME
 * (and whether a declared version is taken) is decided before a byte of the body is read, and
 * the archive work of an accepted upload runs on worker threads with a time budget.
 */

// Every archive function the main thread might run, counted: the worker threads load their own copy.
vi.mock('@skills/archive', async (original) => {
  const real = await original<typeof archive>();
  return {
    ...real,
    readArchive: vi.fn(real.readArchive),
    inspectBundle: vi.fn(real.inspectBundle),
    packFiles: vi.fn(real.packFiles),
  };
});
const mainThreadArchiveCalls = () =>
  vi.mocked(archive.readArchive).mock.calls.length +
  vi.mocked(archive.inspectBundle).mock.calls.length +
  vi.mocked(archive.packFiles).mock.calls.length;

const { defer, tempDir } = useCleanups('registry-upload-work-');

/** A pool that counts the uploads handed to it. */
function countingPool(inner: UploadPool): UploadPool & { jobs: number } {
  const pool = {
    jobs: 0,
    run(bytes: Uint8Array, limits: archive.ArchiveLimits) {
      pool.jobs++;
      return inner.run(bytes, limits);
    },
    close: () => inner.close(),
  };
  return pool;
}

async function serverWith(uploadPool: UploadPool) {
  const server = await startServer({
    port: 0,
    dataDir: await tempDir(),
    users: [{ username: 'alice' }, { username: 'mallory' }],
    deps: { uploadPool },
  });
  defer(() => server.close());
  const put = (token: string, name: string, tgz: Buffer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/bundles/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip', ...headers },
      body: new Uint8Array(tgz),
    });
  return { server, alice: server.tokens.alice!, mallory: server.tokens.mallory!, put };
}

describe('refusals that need no body are given before reading one', () => {
  // Each case declares a 10 MiB body and sends none of it: an answer proves nothing was read.
  const cases = [
    {
      what: "a stranger's upload to an owned name",
      path: '/v1/bundles/owned',
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      what: 'a new name in a scope owned by others',
      path: '/v1/bundles/@acme/other',
      status: 403,
      code: 'FORBIDDEN',
    },
    {
      what: 'a name confusable with an existing one',
      path: '/v1/bundles/own-ed',
      status: 409,
      code: 'NAME_CONFUSABLE',
    },
    {
      what: "the owner's upload of a declared version already published",
      path: '/v1/bundles/owned',
      status: 409,
      code: 'VERSION_EXISTS',
      owner: true,
      version: '1.0.0',
    },
  ];
  test.each(cases)('$what: $status $code with 0 body bytes sent', async (c) => {
    const pool = countingPool(createInProcessPool());
    const { server, alice, mallory, put } = await serverWith(pool);
    expect((await put(alice, 'owned', bundleTarball('owned', '1.0.0'))).status).toBe(201);
    expect((await put(alice, '@acme/tool', bundleTarball('@acme/tool', '1.0.0'))).status).toBe(201);
    const jobsBefore = pool.jobs;

    const client = await openRaw(server.url);
    client.write(
      uploadHead(c.path, {
        token: c.owner ? alice : mallory,
        length: 10 * 1024 * 1024,
        ...(c.version ? { version: c.version } : {}),
      }),
    );
    const res = await client.response();
    expect(res.status).toBe(c.status);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe(c.code);
    // The unread body is not drained: the connection is closed after the answer.
    expect(res.headers.connection).toBe('close');
    await client.closed;
    expect(pool.jobs).toBe(jobsBefore);
  });

  test('a client that asks before sending (Expect: 100-continue) gets the refusal, never an invitation', async () => {
    const pool = countingPool(createInProcessPool());
    const { server, alice, mallory, put } = await serverWith(pool);
    expect((await put(alice, 'owned', bundleTarball('owned', '1.0.0'))).status).toBe(201);
    const refused = await openRaw(server.url);
    refused.write(
      uploadHead('/v1/bundles/owned', { token: mallory, length: 10 * 1024 * 1024, expectContinue: true }),
    );
    expect((await refused.response()).status).toBe(403);
    expect(refused.received()).not.toContain('100 Continue');
    await refused.closed;

    // The owner is invited once the handler reads the body, and the upload lands.
    const tgz = bundleTarball('owned', '1.1.0');
    const ok = await openRaw(server.url);
    ok.write(uploadHead('/v1/bundles/owned', { token: alice, length: tgz.length, expectContinue: true }));
    await vi.waitFor(() => expect(ok.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n/), {
      timeout: 30_000,
    });
    ok.write(tgz);
    await vi.waitFor(() => expect(ok.received()).toContain('HTTP/1.1 201'), { timeout: 30_000 });
    ok.socket.destroy();
  });

  test('a declared version that differs from the manifest is 400 VERSION_MISMATCH and leaves nothing', async () => {
    const r = await makeTestRegistry();
    defer(() => r.close());
    const alice = await r.user('alice');
    const before = await snapshot(r);
    const res = await r.call('PUT', '/v1/bundles/honest', {
      token: alice,
      body: new Uint8Array(bundleTarball('honest', '1.2.3')),
      headers: { 'content-type': 'application/gzip', 'skills-bundle-version': '1.2.4' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VERSION_MISMATCH');
    await expectNothingLeft(r, 'honest', before);
    const bad = await r.call('PUT', '/v1/bundles/honest', {
      token: alice,
      body: new Uint8Array(bundleTarball('honest', '1.2.3')),
      headers: { 'content-type': 'application/gzip', 'skills-bundle-version': 'latest' },
    });
    expect(bad.status).toBe(400);
    // expectNothingLeft published 0.0.1-check as another user, who owns the name now.
    const ok = await r.call('PUT', '/v1/bundles/honest', {
      token: await r.user('name-checker'),
      body: new Uint8Array(bundleTarball('honest', '1.2.3')),
      headers: { 'content-type': 'application/gzip', 'skills-bundle-version': '1.2.3' },
    });
    expect(ok.status).toBe(201);
  });
});

describe('archive work runs on worker threads', () => {
  test('ten large uploads are read off the main thread while /v1/health keeps answering', async () => {
    const pool = createWorkerPool({ size: 2, budgetMs: 120_000, queueLimit: 16 });
    const { server, alice, put } = await serverWith(pool);
    // ~1.4 MiB of gzip each: random base64 barely compresses.
    const uploads = Array.from({ length: 10 }, (_, i) =>
      bundleTarball('heavy', `1.0.${i}`, {
        files: { 'data.txt': randomBytes(1024 * 1024).toString('base64') },
      }),
    );
    const callsBefore = mainThreadArchiveCalls();
    let uploading = true;
    const health: number[] = [];
    let answeredWhileReading = 0;
    const poll = (async () => {
      while (uploading) {
        health.push((await fetch(`${server.url}/v1/health`)).status);
        // A health answer while a thread holds an upload: the event loop was not the one reading it.
        if (pool.stats().running > 0) answeredWhileReading++;
      }
    })();
    const statuses = await Promise.all(
      uploads.map((tgz, i) =>
        put(alice, 'heavy', tgz, { 'skills-bundle-version': `1.0.${i}` }).then((r) => r.status),
      ),
    );
    uploading = false;
    await poll;
    expect(statuses).toEqual(Array(10).fill(201));
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((s) => s === 200)).toBe(true);
    expect(answeredWhileReading).toBeGreaterThan(0);
    expect(pool.stats()).toMatchObject({ jobsDone: 10, threadsStarted: 2, jobsOverBudget: 0 });
    expect(mainThreadArchiveCalls()).toBe(callsBefore);
  }, 180_000);

  test('a job over its time budget is refused 422 PROCESSING_TIME_EXCEEDED and its thread replaced', async () => {
    const pool = createWorkerPool({ size: 1, budgetMs: 300, queueLimit: 4, entry: HANGING_WORKER });
    defer(() => pool.close());
    const r = await makeTestRegistry({ uploadPool: pool });
    defer(() => r.close());
    const alice = await r.user('alice');
    for (const version of ['1.0.0', '1.0.1']) {
      const res = await r.publish(alice, 'slow', bundleTarball('slow', version));
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; problems: { code: string }[] } };
      expect(error.code).toBe('INVALID_BUNDLE');
      expect(error.problems[0]!.code).toBe('PROCESSING_TIME_EXCEEDED');
    }
    expect(pool.stats()).toMatchObject({ jobsOverBudget: 2, threadsStarted: 2 });
  });

  test('a full queue is 503 UNAVAILABLE with Retry-After', async () => {
    const pool = createWorkerPool({ size: 1, budgetMs: 120_000, queueLimit: 1, entry: HANGING_WORKER });
    const r = await makeTestRegistry({ uploadPool: pool });
    defer(() => r.close());
    const alice = await r.user('alice');
    // One job runs (and hangs), one waits: the third finds no room.
    const running = [r.publish(alice, 'busy', bundleTarball('busy', '1.0.0'))];
    running.push(r.publish(alice, 'busy', bundleTarball('busy', '1.0.1')));
    await vi.waitFor(() => expect(pool.stats()).toMatchObject({ running: 1, waiting: 1 }));
    const third = await r.publish(alice, 'busy', bundleTarball('busy', '1.0.2'));
    expect(third.status).toBe(503);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await pool.close();
    expect((await Promise.all(running)).map((res) => res.status)).toEqual([503, 503]);
  });
});

/** A worker entry that says it is ready and then never answers. */
const HANGING_WORKER = new URL('./helpers/hanging-upload-worker.mjs', import.meta.url);
