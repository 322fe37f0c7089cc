import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { startServer } from '../src/index.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { createMemoryBlobStore } from '../src/storage/memory-blob-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { useCleanups } from './helpers/cleanups.ts';

/** /marketplace.git: the default catalog over git's dumb HTTP protocol, cloned by the real git. */

const run = promisify(execFile);
const { defer, tempDir } = useCleanups('registry-git-');
const env = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (args: string[], cwd?: string) =>
  run('git', args, { env, timeout: 60_000, ...(cwd ? { cwd } : {}) });

describe('git clone of /marketplace.git', { timeout: 120_000 }, () => {
  test('gives both catalog files, equal to /marketplace.json; a publish makes a new commit that fetch brings', async () => {
    const server = await startServer({ port: 0, dataDir: await tempDir(), users: [{ username: 'alice' }] });
    defer(() => server.close());
    const publish = async (version: string) => {
      const res = await fetch(`${server.url}/v1/bundles/hello`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.tokens.alice}`, 'content-type': 'application/gzip' },
        body: new Uint8Array(bundleTarball('hello', version)),
      });
      expect(res.status).toBe(201);
    };
    await publish('1.0.0');
    const dir = join(await tempDir(), 'market');
    await git(['clone', `${server.url}/marketplace.git`, dir]);
    const served = await (await fetch(`${server.url}/marketplace.json`)).text();
    for (const path of ['.agents/plugins/marketplace.json', '.claude-plugin/marketplace.json']) {
      expect(await readFile(join(dir, path), 'utf8')).toBe(served);
    }
    await git(['fsck', '--strict'], dir);
    const first = (await git(['rev-parse', 'HEAD'], dir)).stdout.trim();

    await publish('1.1.0');
    await git(['fetch', 'origin'], dir);
    await git(['reset', '--hard', 'origin/main'], dir);
    const catalog = JSON.parse(await readFile(join(dir, '.claude-plugin/marketplace.json'), 'utf8')) as {
      plugins: { version: string }[];
    };
    expect(catalog.plugins[0]!.version).toBe('1.1.0');
    expect((await git(['rev-parse', 'HEAD'], dir)).stdout.trim()).not.toBe(first);
  });

  test('every process serves the same refs and objects for the same catalog; objects are immutable, refs are not cached', async () => {
    const server = await startServer({
      port: 0,
      dataDir: await tempDir(),
      users: [{ username: 'alice' }],
      publicUrl: 'https://skills.example',
    });
    defer(() => server.close());
    await fetch(`${server.url}/v1/bundles/hello`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.tokens.alice}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(bundleTarball('hello', '1.0.0')),
    });
    const other = createApp({
      store: server.store,
      blobs: createMemoryBlobStore(),
      signer: createEphemeralSigner(),
      publicUrl: 'https://skills.example',
    });
    const refs = await fetch(`${server.url}/marketplace.git/info/refs`);
    expect(refs.headers.get('cache-control')).toBe('no-cache');
    const text = await refs.text();
    expect(text).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main\n$/);
    expect(await (await other.request('/marketplace.git/info/refs')).text()).toBe(text);
    const sha = text.slice(0, 40);
    const object = await fetch(`${server.url}/marketplace.git/objects/${sha.slice(0, 2)}/${sha.slice(2)}`);
    expect(object.status).toBe(200);
    expect(object.headers.get('cache-control')).toMatch(/immutable/);
    expect(await fetch(`${server.url}/marketplace.git/HEAD`).then((r) => r.text())).toBe(
      'ref: refs/heads/main\n',
    );
    expect((await fetch(`${server.url}/marketplace.git/objects/00/${'0'.repeat(38)}`)).status).toBe(404);
  });
});
