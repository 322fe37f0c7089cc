import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { startServer } from '../src/index.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** docs/security.md row 25: public URLs come from configuration, never from request headers. */

const { defer, tempDir } = useCleanups('registry-urls-');
let r: TestRegistry | undefined;
afterEach(() => r?.close());

/** Headers a client (or a poisoned cache in front of the registry) could set to steer URLs. */
const HOSTILE = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  forwarded: 'host=evil.example;proto=https',
};

type Answer = { status: number; etag: string | undefined; body: string };

/** A GET over a raw socket, so the Host header is exactly what the test says. */
function rawGet(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((ok, fail) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, etag: res.headers.etag, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('row 25: URLs built from the Host header', () => {
  test('without --public-url, tarball URLs and the discovery index name the listening address whatever Host says', async () => {
    const server = await startServer({ port: 0, dataDir: await tempDir(), users: [{ username: 'alice' }] });
    defer(() => server.close());
    const put = await fetch(`${server.url}/v1/bundles/tool`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.tokens.alice}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(bundleTarball('tool', '1.0.0')),
    });
    expect(put.status).toBe(201);
    const expected = `${server.url}/v1/bundles/tool/-/tool-1.0.0.tgz`;
    for (const path of [
      '/v1/bundles/tool',
      '/v1/bundles/tool/1.0.0',
      '/.well-known/agent-skills/index.json',
    ]) {
      const honest = await rawGet(`${server.url}${path}`, {});
      const hostile = await rawGet(`${server.url}${path}`, HOSTILE);
      expect(hostile.status, path).toBe(200);
      expect(hostile.body, path).toBe(honest.body);
      expect(hostile.etag, path).toBe(honest.etag);
      // Documents name the tarball; the discovery index names its own artifacts (relative URLs).
      if (path.startsWith('/v1/')) expect(hostile.body, path).toContain(expected);
      expect(hostile.body, path).not.toContain('evil.example');
    }
    // The hostile request left no document behind for honest clients either.
    const after = await rawGet(`${server.url}/v1/bundles/tool`, {});
    expect(after.body).not.toContain('evil.example');
  });

  test('with a public URL, every Host gets that URL and the same ETag, and a 304 for it', async () => {
    r = await makeTestRegistry({ publicUrl: 'https://skills.example.com' });
    const token = await r.user('alice');
    expect((await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    const get = (host: string, etag?: string) =>
      r!.app.request(`http://${host}/v1/bundles/tool`, {
        headers: { host, ...(etag ? { 'if-none-match': etag } : {}) },
      });
    const a = await get('skills.example.com');
    const b = await get('evil.example');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    const body = await b.text();
    expect(body).toBe(await a.text());
    expect(body).toContain('https://skills.example.com/v1/bundles/tool/-/tool-1.0.0.tgz');
    expect(body).not.toContain('evil.example');
    expect((await get('evil.example', a.headers.get('etag')!)).status).toBe(304);
  });

  test('a --public-url that is not a plain http(s) URL stops the server at start', async () => {
    for (const publicUrl of ['skills.example.com', 'ftp://x.example', 'https://x.example/?q=1']) {
      await expect(startServer({ port: 0, dataDir: await tempDir(), publicUrl })).rejects.toThrow(
        /--public-url/,
      );
    }
  });
});
