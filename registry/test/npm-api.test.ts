import { createHash } from 'node:crypto';
import { readArchive } from '@skills/archive';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import type { LogEntry } from '../src/deps.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { bundleTarball, toolsTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** The npm-compatible read API under /npm/ (docs/marketplace.md). */

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry({ publicUrl: 'https://skills.example' });
  token = await r.user('alice');
});
afterEach(() => r.close());

type Packument = {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<
    string,
    { name: string; version: string; deprecated?: string; dist: Dist } & Record<string, unknown>
  >;
  time: Record<string, string>;
};
type Dist = { tarball: string; integrity: string; shasum: string };

async function packument(name: string, headers: Record<string, string> = {}): Promise<Packument> {
  const res = await r.call('GET', `/npm/${name}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Packument;
}

describe('GET /npm/NAME', () => {
  test('answers a packument with npm dists for every version not yanked, under every spelling of a scoped name', async () => {
    for (const v of ['1.0.0', '1.1.0', '2.0.0'])
      expect((await r.publish(token, '@acme/tools', toolsTarball(v))).status).toBe(201);
    expect((await r.call('POST', '/v1/bundles/@acme/tools/1.1.0/yank', { token })).status).toBe(200);
    await r.call('POST', '/v1/bundles/@acme/tools/1.0.0/deprecate', { token, json: { message: 'old' } });

    const doc = await packument('@acme/tools');
    expect(doc.name).toBe('@acme/tools');
    expect(doc['dist-tags']).toEqual({ latest: '2.0.0' });
    expect(Object.keys(doc.versions)).toEqual(['1.0.0', '2.0.0']);
    const v2 = doc.versions['2.0.0']!;
    expect(v2).toMatchObject({
      name: '@acme/tools',
      version: '2.0.0',
      description: 'Tools',
      license: 'MIT',
      keywords: ['ci'],
    });
    expect(v2.dist.tarball).toBe('https://skills.example/npm/@acme/tools/-/tools-2.0.0.tgz');
    expect(doc.versions['1.0.0']!.deprecated).toBe('old');
    expect(Object.keys(doc.time)).toEqual(expect.arrayContaining(['created', 'modified', '1.0.0', '2.0.0']));
    for (const spelling of ['@acme%2ftools', '%40acme%2Ftools']) {
      expect(await packument(spelling)).toEqual(doc);
    }

    const abbreviated = await r.call('GET', '/npm/@acme/tools', {
      headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
    });
    expect(abbreviated.headers.get('content-type')).toMatch(/^application\/vnd\.npm\.install-v1\+json/);
    const corgi = (await abbreviated.json()) as Packument;
    expect(corgi.versions['2.0.0']).toEqual({ name: '@acme/tools', version: '2.0.0', dist: v2.dist });
    expect(abbreviated.headers.get('etag')).not.toBe(
      (await r.call('GET', '/npm/@acme/tools')).headers.get('etag'),
    );
  });

  test('ETag and 304 until the bundle changes; a new version moves latest', async () => {
    await r.publish(token, 'hello', bundleTarball('hello', '1.0.0'));
    const first = await r.call('GET', '/npm/hello');
    const etag = first.headers.get('etag')!;
    expect((await r.call('GET', '/npm/hello', { headers: { 'if-none-match': etag } })).status).toBe(304);
    await r.publish(token, 'hello', bundleTarball('hello', '1.1.0'));
    const after = await r.call('GET', '/npm/hello', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as Packument)['dist-tags'].latest).toBe('1.1.0');
  });

  test('an unknown package is a 404 in npm shape', async () => {
    const res = await r.call('GET', '/npm/nope');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/^NOT_FOUND: no bundle named nope/);
  });
});

describe('GET /npm/NAME/-/FILE', () => {
  test('is an npm package: package.json, plugin.json, the skills byte for byte with modes; integrity and shasum match', async () => {
    await r.publish(token, '@acme/tools', toolsTarball('1.0.0'));
    const dist = (await packument('@acme/tools')).versions['1.0.0']!.dist;
    const res = await r.call('GET', new URL(dist.tarball).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(dist.integrity);
    expect(createHash('sha1').update(bytes).digest('hex')).toBe(dist.shasum);
    expect(res.headers.get('etag')).toBe(`"${dist.integrity}"`);

    const { root, files } = await readArchive(bytes);
    expect(root).toBe('package');
    expect(files.map((f) => [f.path, f.executable])).toEqual([
      ['.claude-plugin/plugin.json', false],
      ['package.json', false],
      ['skills/fmt/SKILL.md', false],
      ['skills/lint/SKILL.md', false],
      ['skills/lint/scripts/run.sh', true],
    ]);
    const file = (p: string) => files.find((f) => f.path === p)!.data.toString();
    expect(JSON.parse(file('package.json'))).toEqual({
      name: '@acme/tools',
      version: '1.0.0',
      description: 'Tools',
      license: 'MIT',
      keywords: ['ci'],
      homepage: 'https://skills.example/bundles/@acme/tools',
    });
    expect(JSON.parse(file('.claude-plugin/plugin.json'))).toEqual({
      name: 'acme--tools',
      version: '1.0.0',
      description: 'Tools',
      license: 'MIT',
      keywords: ['ci'],
      author: { name: 'alice', url: 'https://skills.example/~alice' },
      homepage: 'https://skills.example/bundles/@acme/tools',
    });
    expect(file('skills/lint/scripts/run.sh')).toBe('#!/bin/sh\necho lint\n');
  });

  test('a single-skill bundle lands under skills/NAME/ with all its files', async () => {
    await r.publish(
      token,
      'hello',
      bundleTarball('hello', '1.0.0', { files: { 'bin/go.sh': '#!/bin/sh\n' } }),
    );
    const res = await r.call('GET', '/npm/hello/-/hello-1.0.0.tgz');
    const { files } = await readArchive(Buffer.from(await res.arrayBuffer()));
    expect(files.map((f) => [f.path, f.executable])).toEqual([
      ['.claude-plugin/plugin.json', false],
      ['package.json', false],
      ['skills/hello/SKILL.md', false],
      ['skills/hello/bin/go.sh', true],
      ['skills/hello/skill.json', false],
    ]);
  });

  test('is built once per version and recorded: the same bytes for every request and for a second process', async () => {
    await r.publish(token, 'hello', bundleTarball('hello', '1.0.0'));
    const blobsBefore = (await r.blobs.list()).length;
    const [a, b] = await Promise.all([r.call('GET', '/npm/hello'), r.call('GET', '/npm/hello')]);
    expect(await a.text()).toBe(await b.text());
    expect((await r.blobs.list()).length).toBe(blobsBefore + 1);
    expect(r.logs.filter((l) => l.msg === 'npm package built')).toHaveLength(1);
    const recorded = await r.store.getNpmArtifacts('hello');
    expect(recorded).toHaveLength(1);
    const tgz = Buffer.from(await (await r.call('GET', '/npm/hello/-/hello-1.0.0.tgz')).arrayBuffer());
    expect(createHash('sha256').update(tgz).digest('hex')).toBe(recorded[0]!.sha256);

    // A second app on the same store reads the record and builds nothing.
    const otherLogs: LogEntry[] = [];
    const other = createApp({
      store: r.store,
      blobs: r.blobs,
      signer: createEphemeralSigner(),
      publicUrl: 'https://skills.example',
      log: (e) => otherLogs.push(e),
    });
    const again = Buffer.from(await (await other.request('/npm/hello/-/hello-1.0.0.tgz')).arrayBuffer());
    expect(again.equals(tgz)).toBe(true);
    expect(otherLogs.filter((l) => l.msg === 'npm package built')).toHaveLength(0);
  });

  test('an unknown version or file name is a 404', async () => {
    await r.publish(token, 'hello', bundleTarball('hello', '1.0.0'));
    expect((await r.call('GET', '/npm/hello/-/hello-9.9.9.tgz')).status).toBe(404);
    expect((await r.call('GET', '/npm/hello/-/other-1.0.0.tgz')).status).toBe(404);
  });
});

describe('writes through /npm/', () => {
  test('npm publish, unpublish and dist-tag are refused with a message naming skills publish', async () => {
    for (const [method, path] of [
      ['PUT', '/npm/hello'],
      ['PUT', '/npm/@acme%2ftools'],
      ['DELETE', '/npm/hello/-rev/1'],
      ['PUT', '/npm/-/package/hello/dist-tags/beta'],
    ] as const) {
      const res = await r.call(method, path, { token, json: { name: 'hello' } });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/skills publish/);
    }
  });
});

describe('origins in the package', () => {
  test('without a public URL, a request Host header is never baked into the immutable package', async () => {
    const bare = await makeTestRegistry();
    const t = await bare.user('alice');
    await bare.publish(t, 'hello', bundleTarball('hello', '1.0.0'));
    const res = await bare.app.request('http://evil.example/npm/hello/-/hello-1.0.0.tgz');
    const { files } = await readArchive(Buffer.from(await res.arrayBuffer()));
    const text = files.map((f) => f.data.toString()).join('\n');
    expect(text).not.toContain('evil.example');
    const plugin = JSON.parse(files.find((f) => f.path === '.claude-plugin/plugin.json')!.data.toString());
    expect(plugin).toEqual({
      name: 'hello',
      version: '1.0.0',
      description: 'The hello skill, for tests',
      keywords: [],
      author: { name: 'alice' },
    });
    await bare.close();
  });
});
