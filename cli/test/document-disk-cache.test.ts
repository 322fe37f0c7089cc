import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../src/lib/registry/client.ts';
import { documentsDirOf, getBundleRevalidated } from '../src/lib/registry/document-disk-cache.ts';
import { bundleDoc } from './helpers/documents.ts';
import { makeTempDir } from './helpers/fs.ts';
import { startScriptedServer } from './helpers/scripted-server.ts';

describe('bundle documents kept between runs', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-docs-'));
  });
  afterEach(async () => cleanup());

  it('keeps a document with its ETag and revalidates it with If-None-Match', async () => {
    const doc = bundleDoc('deploy', ['1.0.0']);
    const srv = await startScriptedServer((req) =>
      req.headers['if-none-match'] === '"v1"'
        ? { status: 304, headers: { etag: '"v1"' } }
        : { status: 200, headers: { etag: '"v1"' }, body: doc },
    );
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      expect(docs).toBe(join(dir, 'documents', new URL(srv.url).host.replace(':', '_')));
      const first = await getBundleRevalidated(client, docs, 'deploy');
      const second = await getBundleRevalidated(client, docs, 'deploy');
      expect(second).toEqual(first);
      expect(srv.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    } finally {
      await srv.close();
    }
  });

  it('never uses a kept copy that fails the schema: a 304 for it is followed by a plain GET', async () => {
    const doc = bundleDoc('deploy', ['1.0.0']);
    const srv = await startScriptedServer((req) =>
      req.headers['if-none-match'] ? { status: 304 } : { status: 200, headers: { etag: '"v1"' }, body: doc },
    );
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      await getBundleRevalidated(client, docs, 'deploy');
      const file = join(docs, 'deploy.json');
      const kept = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...kept, document: { ...kept.document, name: 'evil' } }));
      expect((await getBundleRevalidated(client, docs, 'deploy')).name).toBe('deploy');
      expect(srv.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"', undefined]);
    } finally {
      await srv.close();
    }
  });
});
