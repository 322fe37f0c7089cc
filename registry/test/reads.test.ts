import { bundleDocumentSchema, versionDocumentSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { createBatchedDownloads } from '../src/downloads.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
});
afterEach(() => r.close());

describe('bundle documents', () => {
  test('match the schema, list versions in order with absolute tarball URLs', async () => {
    await r.publish(
      token,
      'tool',
      bundleTarball('tool', '1.10.0', { category: 'testing', keywords: ['qa'] }),
    );
    await r.publish(token, 'tool', bundleTarball('tool', '1.2.0'));
    const res = await r.call('GET', '/v1/bundles/tool');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = bundleDocumentSchema.parse(await res.json());
    expect(Object.keys(doc.versions)).toEqual(['1.2.0', '1.10.0']);
    expect(doc.distTags).toEqual({ latest: '1.10.0' });
    expect(doc).toMatchObject({
      name: 'tool',
      category: 'testing',
      keywords: ['qa'],
      owners: ['alice'],
      downloads: 0,
    });
    expect(doc.versions['1.2.0']!.tarball).toBe('http://localhost/v1/bundles/tool/-/tool-1.2.0.tgz');
  });

  test('ETag and 304: a 304 builds and reads no document', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    const first = await r.call('GET', '/v1/bundles/tool');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+-\d+"$/);
    let snapshots = 0;
    const getBundle = r.store.getBundle;
    r.store.getBundle = async (name) => {
      snapshots++;
      return getBundle(name);
    };
    const second = await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
    expect(
      (await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': `W/${etag}, "other"` } }))
        .status,
    ).toBe(304);
    expect(snapshots).toBe(0);
    // A change gives a new ETag, and the old one no longer matches.
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.1'));
    const third = await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': etag } });
    expect(third.status).toBe(200);
    expect(third.headers.get('etag')).not.toBe(etag);
    r.store.getBundle = getBundle;
  });

  test('the cached document is never stale: yanks, deprecations and downloads show at once', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    await r.call('GET', '/v1/bundles/tool');
    await r.call('POST', '/v1/bundles/tool/1.0.0/deprecate', { token, json: { message: 'old' } });
    let doc = bundleDocumentSchema.parse(await (await r.call('GET', '/v1/bundles/tool')).json());
    expect(doc.versions['1.0.0']!.deprecated).toBe('old');
    await r.store.addDownloads(new Map([['tool', 7]]));
    doc = bundleDocumentSchema.parse(await (await r.call('GET', '/v1/bundles/tool')).json());
    expect(doc.downloads).toBe(7);
  });

  test('scoped names work unescaped and percent-encoded', async () => {
    await r.publish(token, '@acme/deploy', bundleTarball('@acme/deploy', '1.0.0'));
    for (const path of [
      '/v1/bundles/@acme/deploy',
      '/v1/bundles/%40acme%2Fdeploy',
      '/v1/bundles/%40acme%2fdeploy',
    ]) {
      const res = await r.call('GET', path);
      expect(res.status, path).toBe(200);
    }
    const v = versionDocumentSchema.parse(
      await (await r.call('GET', '/v1/bundles/%40acme%2Fdeploy/1.0.0')).json(),
    );
    expect(v.tarball).toBe('http://localhost/v1/bundles/@acme/deploy/-/deploy-1.0.0.tgz');
    expect((await r.call('GET', new URL(v.tarball).pathname)).status).toBe(200);
  });

  test('unknown bundles and versions are 404 in the envelope', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    for (const path of [
      '/v1/bundles/nope',
      '/v1/bundles/tool/9.9.9',
      '/v1/bundles/tool/-/tool-9.9.9.tgz',
      '/v1/bundles/tool/-/other-1.0.0.tgz',
    ]) {
      const res = await r.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  test('--public-url sets the origin of tarball URLs', async () => {
    await r.close();
    r = await makeTestRegistry({ publicUrl: 'https://skills.example.com/' });
    token = await r.user('alice');
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    const v = versionDocumentSchema.parse(await (await r.call('GET', '/v1/bundles/tool/1.0.0')).json());
    expect(v.tarball).toBe('https://skills.example.com/v1/bundles/tool/-/tool-1.0.0.tgz');
  });
});

describe('tarballs', () => {
  test('exact bytes, immutable caching, ETag = integrity, 304 on match', async () => {
    const tgz = bundleTarball('tool', '1.0.0');
    const { integrity } = (await (await r.publish(token, 'tool', tgz)).json()) as { integrity: string };
    const res = await r.call('GET', '/v1/bundles/tool/-/tool-1.0.0.tgz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('etag')).toBe(`"${integrity}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(tgz)).toBe(true);
    const again = await r.call('GET', '/v1/bundles/tool/-/tool-1.0.0.tgz', {
      headers: { 'if-none-match': `"${integrity}"` },
    });
    expect(again.status).toBe(304);
  });

  test('yanked versions still download (lockfiles pin them)', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    await r.call('POST', '/v1/bundles/tool/1.0.0/yank', { token });
    expect((await r.call('GET', '/v1/bundles/tool/-/tool-1.0.0.tgz')).status).toBe(200);
  });

  test('downloads are counted in memory and written in one batch', async () => {
    let writes = 0;
    const counting = {
      ...r.store,
      addDownloads: async (counts: ReadonlyMap<string, number>) => {
        writes++;
        await r.store.addDownloads(counts);
      },
    };
    const downloads = createBatchedDownloads({ store: counting, intervalMs: 60_000 });
    const app = createApp({ store: r.store, blobs: r.blobs, signer: createEphemeralSigner(), downloads });
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    for (let i = 0; i < 25; i++)
      expect((await app.request('/v1/bundles/tool/-/tool-1.0.0.tgz')).status).toBe(200);
    expect((await r.store.getBundleHead('tool'))?.downloads).toBe(0);
    await downloads.stop();
    expect(writes).toBe(1);
    expect((await r.store.getBundleHead('tool'))?.downloads).toBe(25);
  });
});

describe('health and keys', () => {
  test('health', async () => {
    expect(await (await r.call('GET', '/v1/health')).json()).toEqual({ status: 'ok' });
  });
});
