import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDocumentSchema, bundleDocumentsResponseSchema, searchResponseSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistryClient } from '../src/lib/registry/client.ts';
import { documentsDirOf } from '../src/lib/registry/document-disk-cache.ts';
import { createDocumentLoader } from '../src/lib/registry/document-loader.ts';
import { bundleDoc } from './helpers/documents.ts';
import { makeTempDir } from './helpers/fs.ts';
import { envelope, type RecordedRequest, startScriptedServer } from './helpers/scripted-server.ts';

const names = Array.from({ length: 20 }, (_, i) => `b${i}`);

/** A registry of `names` at ETag "v1", with or without `POST /v1/bundles/-/documents`. */
function registryScript(opts: { many: boolean }) {
  return (req: RecordedRequest) => {
    if (req.method === 'POST' && req.url === '/v1/bundles/-/documents') {
      if (!opts.many) return { status: 404, body: envelope('NOT_FOUND', 'nothing at POST') };
      const body = JSON.parse(req.body.toString()) as {
        names: string[];
        ifNoneMatch?: Record<string, string>;
      };
      const results = Object.fromEntries(
        body.names.map((n) => [
          n,
          !names.includes(n)
            ? { status: 404, error: { code: 'NOT_FOUND', message: `no bundle named ${n}` } }
            : body.ifNoneMatch?.[n] === '"v1"'
              ? { status: 304, etag: '"v1"' }
              : { status: 200, etag: '"v1"', document: bundleDoc(n, ['1.0.0']) },
        ]),
      );
      return { status: 200, body: { results } };
    }
    const name = req.url.replace('/v1/bundles/', '');
    if (req.method === 'GET' && names.includes(name))
      return req.headers['if-none-match'] === '"v1"'
        ? { status: 304, headers: { etag: '"v1"' } }
        : { status: 200, headers: { etag: '"v1"' }, body: bundleDoc(name, ['1.0.0']) };
    if (req.url.startsWith('/v1/search')) return { status: 200, body: { total: 0, results: [] } };
    return { status: 404, body: envelope('NOT_FOUND', `no bundle named ${name}`) };
  };
}

const summary = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.url.split('?')[0]}`);

describe('bundle documents kept between runs (createDocumentLoader)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-docs-'));
    clock = 1_000_000;
  });
  afterEach(async () => cleanup());

  it('asks for 20 documents in one request, then within the window asks nothing, then revalidates all 20 in one request', async () => {
    const srv = await startScriptedServer(registryScript({ many: true }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      expect(docs).toBe(join(dir, 'documents', new URL(srv.url).host.replace(':', '_')));
      // One loader per run, as an install has: every name asked in the same turn.
      const loaderRun = async (maxAgeMs = 60_000) => {
        const loader = createDocumentLoader({ client, dir: docs, maxAgeMs, now });
        return Promise.all(names.map((n) => loader.get(n)));
      };
      const first = await loaderRun();
      expect(first.map((d) => d.name)).toEqual(names);
      expect(summary(srv.requests)).toEqual(['POST /v1/bundles/-/documents']);
      expect(JSON.parse(srv.requests[0]!.body.toString())).toEqual({ names });

      clock += 59_999;
      expect(await loaderRun()).toEqual(first);
      expect(srv.requests).toHaveLength(1);

      clock += 1; // a minute after the fetch: revalidated, each with its ETag, and the age renewed
      expect(await loaderRun()).toEqual(first);
      expect(summary(srv.requests)).toHaveLength(2);
      const ask = JSON.parse(srv.requests[1]!.body.toString());
      expect(ask.ifNoneMatch).toEqual(Object.fromEntries(names.map((n) => [n, '"v1"'])));
      clock += 30_000;
      await loaderRun();
      expect(srv.requests).toHaveLength(2);

      // maxAgeMs 0 (--prefer-online) always asks; a clock set back never makes a copy fresh.
      await loaderRun(0);
      expect(srv.requests).toHaveLength(3);
      clock -= 3_600_000;
      await loaderRun();
      expect(srv.requests).toHaveLength(4);
    } finally {
      await srv.close();
    }
  });

  it('falls back to one conditional GET per name on a registry without the endpoint (404)', async () => {
    const srv = await startScriptedServer(registryScript({ many: false }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      const loader = createDocumentLoader({ client, dir: docs, maxAgeMs: 0, now });
      expect((await Promise.all(names.map((n) => loader.get(n)))).map((d) => d.name)).toEqual(names);
      const asked = summary(srv.requests);
      expect(asked[0]).toBe('POST /v1/bundles/-/documents');
      expect(asked.slice(1).sort()).toEqual(names.map((n) => `GET /v1/bundles/${n}`).sort());
      // The same loader does not try the endpoint again; each GET carries the kept ETag.
      await Promise.all(names.slice(0, 3).map((n) => loader.get(n)));
      expect(srv.requests).toHaveLength(1 + 20 + 3);
      expect(srv.requests.slice(-3).map((r) => r.headers['if-none-match'])).toEqual(['"v1"', '"v1"', '"v1"']);
    } finally {
      await srv.close();
    }
  });

  it('reports a missing name with NOT_FOUND while the others load', async () => {
    const srv = await startScriptedServer(registryScript({ many: true }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const loader = createDocumentLoader({ client, dir: documentsDirOf(dir, srv.url), now });
      const [ok, missing] = await Promise.allSettled([loader.get('b1'), loader.get('nope')]);
      expect(ok.status).toBe('fulfilled');
      expect(missing).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } });
    } finally {
      await srv.close();
    }
  });

  it('never uses a kept copy that fails the schema: fresh or confirmed by a 304, it is asked for again', async () => {
    const srv = await startScriptedServer(registryScript({ many: true }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      await createDocumentLoader({ client, dir: docs, now }).get('b1');
      const file = join(docs, 'b1.json');
      const kept = JSON.parse(await readFile(file, 'utf8'));
      expect(kept).toMatchObject({ etag: '"v1"', fetchedAt: clock });
      await writeFile(file, JSON.stringify({ ...kept, document: { ...kept.document, name: 'evil' } }));
      expect((await createDocumentLoader({ client, dir: docs, now }).get('b1')).name).toBe('b1');
      // The fresh copy was unusable: asked with its ETag, the 304 entry was not trusted either.
      expect(summary(srv.requests)).toEqual([
        'POST /v1/bundles/-/documents',
        'POST /v1/bundles/-/documents',
        'GET /v1/bundles/b1',
      ]);
      expect(srv.requests[2]!.headers['if-none-match']).toBeUndefined();
    } finally {
      await srv.close();
    }
  });

  it('checks fetched and kept documents without zod, and a kept copy zod refuses is asked for again', async () => {
    // Building the zod schema costs a fresh process ~10 ms; valid documents never need it.
    const zod = [
      vi.spyOn(bundleDocumentSchema, 'safeParse'),
      vi.spyOn(bundleDocumentsResponseSchema, 'safeParse'),
    ];
    const srv = await startScriptedServer(registryScript({ many: true }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      const loaderRun = () => {
        const loader = createDocumentLoader({ client, dir: docs, now });
        return Promise.all(names.map((n) => loader.get(n)));
      };
      await loaderRun();
      await loaderRun(); // from the kept copies
      expect(srv.requests).toHaveLength(1);
      expect(zod.map((spy) => spy.mock.calls.length)).toEqual([0, 0]);

      const file = join(docs, 'b1.json');
      const kept = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...kept, document: { ...kept.document, downloads: -1 } }));
      expect((await createDocumentLoader({ client, dir: docs, now }).get('b1')).downloads).toBe(0);
      // zod was asked about the refused copy only (read once fresh, once after the 304), for its answer
      expect(zod[0]!.mock.calls.map(([doc]) => (doc as { downloads: number }).downloads)).toEqual([-1, -1]);
      expect(summary(srv.requests)).toEqual([
        'POST /v1/bundles/-/documents',
        'POST /v1/bundles/-/documents',
        'GET /v1/bundles/b1',
      ]);
    } finally {
      for (const spy of zod) spy.mockRestore();
      await srv.close();
    }
  });

  it('keeps look-alike searches for a bundle name within the window, checked without zod', async () => {
    const zod = vi.spyOn(searchResponseSchema, 'safeParse');
    const srv = await startScriptedServer(registryScript({ many: true }));
    try {
      const client = createRegistryClient({ url: srv.url, retries: 0 });
      const docs = documentsDirOf(dir, srv.url);
      await createDocumentLoader({ client, dir: docs, now }).search('b1');
      await createDocumentLoader({ client, dir: docs, now }).search('b1');
      expect(srv.requests).toHaveLength(1);
      await createDocumentLoader({ client, dir: docs, now, maxAgeMs: 0 }).search('b1');
      expect(srv.requests).toHaveLength(2);
      expect(zod).not.toHaveBeenCalled(); // the answers and the kept copy, all valid
    } finally {
      zod.mockRestore();
      await srv.close();
    }
  });

  it('never retries a look-alike search: a 429 from the search limit fails at once, without waiting', async () => {
    const srv = await startScriptedServer(() => ({
      status: 429,
      headers: { 'retry-after': '30' },
      body: envelope('RATE_LIMITED', 'slow down'),
    }));
    try {
      const waits: number[] = [];
      const client = createRegistryClient({
        url: srv.url,
        retries: 3,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      const loader = createDocumentLoader({ client, dir: documentsDirOf(dir, srv.url), now });
      await expect(loader.search('b1')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      expect(srv.requests).toHaveLength(1);
      expect(waits).toEqual([]);
      // Other calls of the same client still retry.
      await expect(client.search({ q: 'b1' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      expect(srv.requests).toHaveLength(5);
    } finally {
      await srv.close();
    }
  });
});
