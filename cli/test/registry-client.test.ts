import { afterEach, describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { createRegistryClient, type RegistryClientOptions } from '../src/lib/registry/client.ts';
import { bundleDoc, sri, versionDoc } from './helpers/documents.ts';
import { envelope, type ScriptedReply, startScriptedServer } from './helpers/scripted-server.ts';

const TOKEN = 'sk_live_0123456789abcdefghijklmnop';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(
  reply: (req: { method: string; url: string }, i: number) => ScriptedReply,
  opts: Partial<RegistryClientOptions> = {},
) {
  const srv = await startScriptedServer(reply);
  close = srv.close;
  const retries: number[] = [];
  const slept: number[] = [];
  const client = createRegistryClient({
    url: srv.url,
    token: TOKEN,
    retryBaseMs: 5,
    onRetry: (r) => retries.push(r.delayMs),
    sleep: async (ms) => void slept.push(ms),
    ...opts,
  });
  return { client, requests: srv.requests, retries, slept, url: srv.url };
}

async function caught(p: Promise<unknown>): Promise<SkillsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SkillsError);
  return err as SkillsError;
}

describe('registry client', () => {
  it('gets a bundle document, validated, with the bearer token and a user agent', async () => {
    const { client, requests } = await serve(() => ({
      status: 200,
      body: bundleDoc('@acme/deploy', ['1.0.0']),
    }));
    const doc = await client.getBundle('@acme/deploy');
    expect(doc.distTags.latest).toBe('1.0.0');
    expect(requests[0]?.url).toBe('/v1/bundles/@acme/deploy');
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(requests[0]?.headers['user-agent']).toMatch(/^skills-cli/);
  });

  it('answers not-modified for a matching ETag', async () => {
    const { client, requests } = await serve(() => ({ status: 304 }));
    expect(await client.getBundleCached('deploy', { etag: '"abc"' })).toBe('not-modified');
    expect(requests[0]?.headers['if-none-match']).toBe('"abc"');
  });

  it('retries 503 and 429, honouring Retry-After, then succeeds', async () => {
    const { client, requests, retries, slept } = await serve((_r, i) =>
      i === 0
        ? { status: 503, body: envelope('UNAVAILABLE', 'busy') }
        : i === 1
          ? { status: 429, headers: { 'retry-after': '1' }, body: envelope('RATE_LIMITED', 'slow down') }
          : { status: 200, body: versionDoc('deploy', '1.0.0') },
    );
    const doc = await client.getVersion('deploy', '1.0.0');
    expect(doc.version).toBe('1.0.0');
    expect(requests).toHaveLength(3);
    expect(retries[1]).toBe(1000);
    expect(slept).toEqual(retries);
  });

  it('keeps the error codes closed: a code this CLI does not know falls back by status and is kept in details', async () => {
    const { client } = await serve(
      (_r, i) => ({ status: 409, body: envelope(i === 0 ? 'SHINY_NEW_RULE' : 'VERSION_EXISTS', 'no') }),
      { retries: 0 },
    );
    const err = await caught(client.getVersion('deploy', '1.0.0'));
    expect(err.code).toBe('REGISTRY_ERROR');
    expect(err.details).toMatchObject({ status: 409, registryCode: 'SHINY_NEW_RULE' });
    expect((await caught(client.getVersion('deploy', '1.0.0'))).code).toBe('VERSION_EXISTS');
  });

  it('caps Retry-After and gives up with the registry code after the retries', async () => {
    const { client, requests, retries } = await serve(
      () => ({
        status: 429,
        headers: { 'retry-after': '3600' },
        body: envelope('RATE_LIMITED', 'slow down'),
      }),
      { retries: 2, maxRetryDelayMs: 20 },
    );
    const err = await caught(client.search({ q: 'x' }));
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.hint).toContain('3600s');
    expect(requests).toHaveLength(3);
    expect(retries).toEqual([20, 20]);
  });

  it('does not retry a 404 and turns it into NOT_FOUND with a did-you-mean hint', async () => {
    const { client, requests } = await serve((req) =>
      req.url.startsWith('/v1/search')
        ? {
            status: 200,
            body: {
              total: 1,
              results: [{ name: 'deploy-vercel', version: '1.0.0', description: '', downloads: 9, score: 1 }],
            },
          }
        : { status: 404, body: envelope('NOT_FOUND', 'no such bundle') },
    );
    const err = await caught(client.getBundle('deploy-vercl'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.hint).toBe('did you mean deploy-vercel?');
    expect(requests.map((r) => r.url).sort()).toEqual([
      '/v1/bundles/deploy-vercl',
      '/v1/search?q=de&limit=20',
      '/v1/search?q=deploy-vercl&limit=20',
    ]);
  });

  it('suggests the closest name by edit distance when search by the typo finds nothing', async () => {
    const hit = (name: string) => ({ name, version: '1.0.0', description: '', downloads: 1, score: 1 });
    const { client } = await serve((req) => {
      if (req.url.startsWith('/v1/search?q=ev&')) {
        return { status: 200, body: { total: 2, results: [hit('everything-else'), hit('evil')] } };
      }
      if (req.url.startsWith('/v1/search')) return { status: 200, body: { total: 0, results: [] } };
      return { status: 404, body: envelope('NOT_FOUND', 'no such bundle') };
    });
    const err = await caught(client.getBundle('evl'));
    expect(err.hint).toBe('did you mean evil?');
  });

  it('maps error envelopes to SkillsError with the registry code and message', async () => {
    const { client, requests } = await serve(() => ({
      status: 409,
      body: envelope('VERSION_EXISTS', 'deploy@1.0.0 was already published'),
    }));
    const err = await caught(client.publish('deploy', Buffer.from('tgz'), { version: '1.0.0' }));
    expect(err.code).toBe('VERSION_EXISTS');
    expect(err.message).toBe('deploy@1.0.0 was already published');
    expect(err.hint).toMatch(/bump/);
    expect(err.details).toMatchObject({ status: 409, requestId: 'req-1' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['content-type']).toBe('application/gzip');
    // The version goes ahead of the body, so the registry can refuse before reading it.
    expect(requests[0]?.headers['skills-bundle-version']).toBe('1.0.0');
  });

  it('keeps INVALID_BUNDLE problems in details and names the first in the hint', async () => {
    const problems = [
      { path: 'SKILL.md: frontmatter.name', message: 'must match the folder', code: 'NAME_MISMATCH' },
    ];
    const { client } = await serve(() => ({
      status: 422,
      body: envelope('INVALID_BUNDLE', 'invalid bundle', { problems }),
    }));
    const err = await caught(client.publish('deploy', Buffer.from('tgz')));
    expect(err.code).toBe('INVALID_BUNDLE');
    expect(err.hint).toContain('SKILL.md: frontmatter.name');
    expect((err.details as { problems: unknown[] }).problems).toEqual(problems);
  });

  it('never puts the token in an error, even when the registry echoes it', async () => {
    const { client } = await serve((req) => ({
      status: 401,
      body: envelope(
        'UNAUTHORIZED',
        `bad token ${String((req as { headers?: Record<string, string> }).headers?.authorization)}`,
      ),
    }));
    const err = await caught(client.whoami());
    expect(err.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify({ m: err.message, h: err.hint, d: err.details })).not.toContain(TOKEN);
    expect(err.message).toContain('[redacted]');
  });

  it('times out a hanging registry and retries idempotent requests', async () => {
    const { client, requests } = await serve(() => 'hang', { timeoutMs: 150, retries: 1 });
    const err = await caught(client.getKeys());
    expect(err.code).toBe('TIMEOUT');
    expect(requests).toHaveLength(2);
  });

  it('does not retry a POST after a 500 (the server may have acted)', async () => {
    const { client, requests } = await serve(() => ({ status: 500, body: envelope('INTERNAL', 'boom') }));
    const err = await caught(client.yank('deploy', '1.0.0'));
    expect(err.code).toBe('INTERNAL');
    expect(requests).toHaveLength(1);
  });

  it('retries a publish only when the registry surely did nothing (503), never after a 500', async () => {
    const { client, requests } = await serve((_r, i) =>
      i === 0 ? { status: 503 } : { status: 500, body: envelope('INTERNAL', 'boom') },
    );
    const err = await caught(client.publish('deploy', Buffer.from('tgz')));
    expect(err.code).toBe('INTERNAL');
    expect(requests).toHaveLength(2);
  });

  it('reports an unreachable registry as NETWORK after retrying', async () => {
    const srv = await startScriptedServer(() => ({ status: 200 }));
    await srv.close();
    const retried: string[] = [];
    const client = createRegistryClient({
      url: srv.url,
      retries: 2,
      retryBaseMs: 1,
      onRetry: (r) => retried.push(r.reason),
    });
    const err = await caught(client.whoami());
    expect(err.code).toBe('NETWORK');
    expect(err.message).toContain('ECONNREFUSED');
    expect(retried).toHaveLength(2);
  });

  it('rejects documents that do not fit the schema, or name another bundle', async () => {
    const { client } = await serve((req) =>
      req.url.endsWith('/other')
        ? { status: 200, body: bundleDoc('evil', ['1.0.0']) }
        : { status: 200, body: { name: 'x' } },
    );
    expect((await caught(client.getBundle('deploy'))).code).toBe('BAD_RESPONSE');
    expect((await caught(client.getBundle('other'))).code).toBe('BAD_RESPONSE');
  });

  it('bounds tarball size and checks integrity', async () => {
    const bytes = Buffer.alloc(2048, 1);
    const { client, url } = await serve(() => ({ status: 200, body: bytes }), { maxTarballBytes: 1024 });
    expect((await caught(client.fetchTarball(`${url}/t.tgz`))).code).toBe('TOO_LARGE');
    const small = createRegistryClient({ url, retries: 0 });
    expect(await small.fetchTarball(`${url}/t.tgz`, { integrity: sri(bytes) })).toEqual(bytes);
    const err = await caught(small.fetchTarball(`${url}/t.tgz`, { integrity: sri('other') }));
    expect(err.code).toBe('INTEGRITY_MISMATCH');
  });

  it('sends the token to the registry origin only', async () => {
    const other = await startScriptedServer(() => ({ status: 200, body: Buffer.from('x') }));
    try {
      const { client } = await serve(() => ({ status: 200 }));
      await client.fetchTarball(`${other.url}/t.tgz`);
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('uses Basic auth for token creation and rejects names that are not bundle names', async () => {
    const { client, requests } = await serve(() => ({
      status: 201,
      body: { id: 't1', token: 'sk_new_token_abcdefghijklmnop', scope: 'read', expiresAt: null },
    }));
    const created = await client.createToken({
      scope: 'read',
      basicAuth: { username: 'al', password: 'pw-1234567890' },
    });
    expect(created.id).toBe('t1');
    expect(requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('al:pw-1234567890').toString('base64')}`,
    );
    expect(JSON.parse(requests[0]?.body.toString() ?? '')).toEqual({ scope: 'read' });
    expect((await caught(client.getBundle('../../etc'))).code).toBe('USAGE');
  });

  it('builds the lifecycle, dist-tag and owner paths', async () => {
    const { client, requests } = await serve((req) => {
      if (req.url.includes('/owners')) return { status: 200, body: { owners: ['alice', 'bob'] } };
      if (req.url.includes('/dist-tags'))
        return { status: 200, body: { latest: '1.0.0', beta: '1.1.0-beta.1' } };
      return { status: 200, body: versionDoc('@acme/x', '1.0.0', { deprecated: 'old' }) };
    });
    await client.deprecate('@acme/x', '1.0.0', 'old');
    await client.unyank('@acme/x', '1.0.0');
    expect(await client.distTags.add('@acme/x', '1.1.0-beta.1', 'beta')).toHaveProperty('beta');
    await client.distTags.rm('@acme/x', 'beta');
    expect(await client.owners.add('@acme/x', 'bob')).toEqual(['alice', 'bob']);
    await client.owners.rm('@acme/x', 'bob');
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/bundles/@acme/x/1.0.0/deprecate',
      'POST /v1/bundles/@acme/x/1.0.0/unyank',
      'PUT /v1/bundles/@acme/x/dist-tags/beta',
      'DELETE /v1/bundles/@acme/x/dist-tags/beta',
      'PUT /v1/bundles/@acme/x/owners/bob',
      'DELETE /v1/bundles/@acme/x/owners/bob',
    ]);
    expect(JSON.parse(requests[0]?.body.toString() ?? '')).toEqual({ message: 'old' });
  });
});
