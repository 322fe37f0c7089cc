import { describe, expect, test } from 'vitest';
import { startServer } from '../src/server.ts';
import type { ServerLimits } from '../src/server-limits.ts';
import { createInProcessPool } from '../src/uploads/upload-pool.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';
import { openRaw, type RawClient, uploadHead } from './helpers/raw-http.ts';

/**
 * docs/security.md row 19: slow and greedy clients. Each test builds the attack on raw sockets
 * against a real server with small limits, and checks the server lets go of it while health
 * and reads keep answering.
 */

const { defer, tempDir } = useCleanups('registry-slow-clients-');
/** Long enough never to fire during a test: the limit under test is the small one. */
const NEVER = 600_000;

async function serve(limits: Partial<ServerLimits>) {
  const server = await startServer({
    port: 0,
    dataDir: await tempDir(),
    users: [{ username: 'alice' }],
    limits: {
      headersTimeoutMs: NEVER,
      requestTimeoutMs: NEVER,
      bodyIdleMs: NEVER,
      ...limits,
    },
    deps: { uploadPool: createInProcessPool() },
  });
  defer(() => server.close());
  return server;
}

async function attacker(url: string, localAddress?: string): Promise<RawClient> {
  const client = await openRaw(url, localAddress ? { localAddress } : {});
  defer(async () => {
    client.socket.destroy();
  });
  return client;
}

const status = async (url: string, init?: RequestInit) => (await fetch(url, init)).status;

describe('timeouts', () => {
  test('a request whose headers never finish is closed after the header timeout', async () => {
    const server = await serve({ headersTimeoutMs: 300 });
    const partial = await attacker(server.url);
    partial.write('GET /v1/health HTTP/1.1\r\nHost: registry.test\r\nX-Slow: ');
    const silent = await attacker(server.url);
    await Promise.all([partial.closed, silent.closed]);
    // Closed either by the server's own sweep (no answer) or by Node's header timeout (a 408),
    // whichever comes first on a loaded machine: never served.
    expect(silent.received()).toMatch(/^(HTTP\/1\.1 408 [\s\S]*)?$/);
    expect(await status(`${server.url}/v1/health`)).toBe(200);
  });

  test('an upload whose body stalls is answered 408 and closed after the body-idle timeout', async () => {
    const server = await serve({ bodyIdleMs: 300 });
    const upload = await attacker(server.url);
    upload.write(uploadHead('/v1/bundles/stalled', { token: server.tokens.alice!, length: 100_000 }));
    upload.write(Buffer.alloc(1000));
    const res = await upload.response();
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error.code).toBe('REQUEST_TIMEOUT');
    await upload.closed;
    expect(await status(`${server.url}/v1/health`)).toBe(200);
  });

  test('an unauthenticated sign-up whose body stalls is answered 408 and closed', async () => {
    const server = await serve({ bodyIdleMs: 300 });
    const signup = await attacker(server.url);
    signup.write(
      'POST /v1/users HTTP/1.1\r\nHost: registry.test\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"user',
    );
    expect((await signup.response()).status).toBe(408);
    await signup.closed;
  });
});

describe('connection caps', () => {
  test('one address past its cap is cut at once; health answers another address meanwhile', async () => {
    const server = await serve({ maxConnectionsPerAddress: 5 });
    const held: RawClient[] = [];
    for (let i = 0; i < 5; i++) held.push(await attacker(server.url, '127.0.0.2'));
    const extra = await attacker(server.url, '127.0.0.2');
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(held.some((c) => c.isClosed())).toBe(false);
    expect(server.connections.refused()).toBe(1);
    expect(await status(`${server.url}/v1/health`)).toBe(200);
    expect(await status(`${server.url}/v1/search?q=x`)).toBe(200);
  });

  test('past the global cap new connections are cut; closing the idle ones makes room', async () => {
    const server = await serve({ maxConnections: 6, maxConnectionsPerAddress: 3 });
    const held: RawClient[] = [];
    for (const address of ['127.0.0.2', '127.0.0.3'])
      for (let i = 0; i < 3; i++) held.push(await attacker(server.url, address));
    const extra = await attacker(server.url, '127.0.0.4');
    await extra.closed;
    expect(server.connections.refused()).toBe(1);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await expect.poll(() => server.connections.open()).toBe(0);
    expect(await status(`${server.url}/v1/health`)).toBe(200);
  });
});

describe('upload bytes in flight', () => {
  test('stalled uploads past the byte budget: others get 503 with Retry-After before sending a byte', async () => {
    const server = await serve({ maxUploadBytesInFlight: 100_000 });
    const token = server.tokens.alice!;
    const stalled = await attacker(server.url);
    stalled.write(uploadHead('/v1/bundles/first', { token, length: 60_000 }));
    stalled.write(Buffer.alloc(1000));
    await expect.poll(() => server.uploadBytesInFlight()).toBe(60_000);

    const refused = await attacker(server.url);
    refused.write(uploadHead('/v1/bundles/second', { token, length: 60_000 }));
    const res = await refused.response();
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).error.code).toBe('UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await refused.closed;

    // A chunked upload (no length) is counted as it streams, and stopped at the budget.
    const chunked = await attacker(server.url);
    chunked.write(uploadHead('/v1/bundles/third', { token, chunked: true }));
    chunked.write(`${(50_000).toString(16)}\r\n${'a'.repeat(50_000)}\r\n`);
    expect((await chunked.response()).status).toBe(503);

    expect(await status(`${server.url}/v1/health`)).toBe(200);
    expect(await status(`${server.url}/v1/bundles/first`)).toBe(404);

    // The stalled client goes away: its bytes are released and a real publish fits again.
    stalled.socket.destroy();
    await expect.poll(() => server.uploadBytesInFlight()).toBe(0);
    await expect
      .poll(() =>
        status(`${server.url}/v1/bundles/second`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
          body: new Uint8Array(bundleTarball('second', '1.0.0')),
        }),
      )
      .toBe(201);
  });
});
