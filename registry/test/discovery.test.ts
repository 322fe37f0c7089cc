import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DISCOVERY_SCHEMA_URL, type DiscoveryIndex, discoveryIndexSchema } from '@skills/schemas';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.ts';
import { SEARCH_CACHE_DEFAULTS } from '../src/db/search-cache.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { GLOBAL_INDEX_SKILLS } from '../src/services/build-discovery-index.ts';
import { createEphemeralSigner } from '../src/signing/signer.ts';
import { bundleTarball, skillMd, tarballOf } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
});
afterEach(() => r.close());

/** A multi-skill bundle: `skills/NAME/SKILL.md` for each skill, plus `extra` files. */
function multiBundle(name: string, version: string, skills: string[], extra: Record<string, string> = {}) {
  const tree: Record<string, string> = {
    'skill.json': JSON.stringify({ name, version, description: `${name} bundle` }),
    ...extra,
  };
  for (const s of skills) tree[`skills/${s}/SKILL.md`] = skillMd(s, `${s} from ${name}`);
  return tarballOf(tree);
}

async function index(path: string): Promise<DiscoveryIndex> {
  const res = await r.call('GET', path);
  expect(res.status, await res.clone().text()).toBe(200);
  return discoveryIndexSchema.parse(await res.json());
}

/** The entries of a ustar archive: path, mode and bytes. */
function untar(tgz: Buffer): { path: string; mode: number; data: string }[] {
  const tar = gunzipSync(tgz);
  const out = [];
  for (let at = 0; tar[at] !== 0; ) {
    const field = (from: number, len: number) =>
      tar
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(at + 124, 12), 8);
    const prefix = field(at + 345, 155);
    const name = field(at, 100);
    out.push({
      path: prefix ? `${prefix}/${name}` : name,
      mode: Number.parseInt(field(at + 100, 8), 8),
      data: tar.subarray(at + 512, at + 512 + size).toString('utf8'),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('the discovery indexes (v0.2.0)', () => {
  test('one entry per skill: a lone SKILL.md as skill-md, the rest as an archive with SKILL.md at its root', async () => {
    await r.publish(
      token,
      'kit',
      multiBundle('kit', '1.0.0', ['lint', 'notes'], {
        'skills/lint/scripts/run.sh': '#!/bin/sh\necho hi\n',
      }),
    );
    await r.publish(token, 'solo', bundleTarball('solo', '2.0.0'));
    const idx = await index('/.well-known/agent-skills/index.json');
    expect(idx.$schema).toBe(DISCOVERY_SCHEMA_URL);
    expect(idx.skills.map((s) => [s.name, s.type])).toEqual([
      ['lint', 'archive'],
      ['notes', 'skill-md'],
      ['solo', 'archive'],
    ]);
    for (const entry of idx.skills) {
      const res = await r.call('GET', new URL(entry.url).pathname);
      expect(res.status).toBe(200);
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(entry.digest);
    }
    const lint = idx.skills[0]!;
    expect(lint.url).toBe('http://localhost/bundles/kit/.well-known/agent-skills/1.0.0/lint.tar.gz');
    expect(lint.description).toBe('lint from kit');
    const files = untar(Buffer.from(await (await r.call('GET', new URL(lint.url).pathname)).arrayBuffer()));
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['SKILL.md', 0o644],
      ['scripts/run.sh', 0o755],
    ]);
    expect(files[1]!.data).toBe('#!/bin/sh\necho hi\n');
    const notes = await r.call('GET', new URL(idx.skills[1]!.url).pathname);
    expect(notes.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await notes.text()).toBe(skillMd('notes', 'notes from kit'));
    // A single-skill bundle's folder is the bundle: skill.json travels with its SKILL.md.
    const solo = untar(
      Buffer.from(await (await r.call('GET', new URL(idx.skills[2]!.url).pathname)).arrayBuffer()),
    );
    expect(solo.map((f) => f.path)).toEqual(['SKILL.md', 'skill.json']);
  });

  test('artifacts are stored in the blob store by sha256 and are the same bytes in a fresh process', async () => {
    await r.publish(token, 'kit', multiBundle('kit', '1.0.0', ['lint'], { 'skills/lint/ref.md': 'x' }));
    const first = await index('/bundles/kit/.well-known/agent-skills/index.json');
    const digest = first.skills[0]!.digest.slice('sha256:'.length);
    expect(await r.blobs.has(digest)).toBe(true);
    const fresh = createApp({ store: r.store, blobs: r.blobs, signer: createEphemeralSigner() });
    const again = discoveryIndexSchema.parse(
      await (await fresh.request('/bundles/kit/.well-known/agent-skills/index.json')).json(),
    );
    expect(again).toEqual(first);
    const res = await r.call('GET', new URL(first.skills[0]!.url).pathname);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${first.skills[0]!.digest}"`);
    const cached = await r.call('GET', new URL(first.skills[0]!.url).pathname, {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
  });

  test("a bundle's index lists its latest version's skills only; unknown bundles and wrong artifact URLs are 404", async () => {
    await r.publish(token, '@acme/kit', multiBundle('@acme/kit', '1.0.0', ['alpha']));
    await r.publish(token, '@acme/kit', multiBundle('@acme/kit', '1.1.0', ['alpha', 'beta']));
    await r.publish(token, 'other', multiBundle('other', '1.0.0', ['gamma']));
    const idx = await index('/bundles/@acme/kit/.well-known/agent-skills/index.json');
    expect(idx.skills.map((s) => s.name)).toEqual(['alpha', 'beta']);
    expect(idx.skills[0]!.url).toBe(
      'http://localhost/bundles/@acme/kit/.well-known/agent-skills/1.1.0/alpha/SKILL.md',
    );
    expect((await r.call('GET', '/bundles/nope/.well-known/agent-skills/index.json')).status).toBe(404);
    // alpha is a lone SKILL.md: there is no archive of it, and no such skill in 1.0.0's sibling.
    for (const path of [
      '/bundles/@acme/kit/.well-known/agent-skills/1.1.0/alpha.tar.gz',
      '/bundles/@acme/kit/.well-known/agent-skills/1.0.0/beta/SKILL.md',
      '/bundles/@acme/kit/.well-known/agent-skills/9.9.9/alpha/SKILL.md',
    ]) {
      const res = await r.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    // The older version's artifact stays where the older index pointed.
    expect(
      (await r.call('GET', '/bundles/@acme/kit/.well-known/agent-skills/1.0.0/alpha/SKILL.md')).status,
    ).toBe(200);
  });

  test('a skill name in two bundles: the more downloaded bundle is listed, whichever it is', async () => {
    // Download counts reach search (which orders the index) by the search cache's hard limit
    // (2 × ttl: before it, a page past its ttl is answered while it is refreshed).
    let now = 0;
    await r.close();
    r = await makeTestRegistry({
      store: createSqliteStore({ path: ':memory:', searchCache: { now: () => now } }),
    });
    token = await r.user('alice');
    await r.publish(token, 'first', multiBundle('first', '1.0.0', ['lint', 'fmt']));
    await r.publish(token, 'second', multiBundle('second', '1.0.0', ['lint']));
    const owner = async () => {
      const idx = await index('/.well-known/agent-skills/index.json');
      expect(idx.skills.filter((s) => s.name === 'lint')).toHaveLength(1);
      return idx.skills.find((s) => s.name === 'lint')!.description;
    };
    await r.store.addDownloads(new Map([['second', 5]]));
    expect(await owner()).toBe('lint from second');
    await r.store.addDownloads(new Map([['first', 10]]));
    expect(await owner()).toBe('lint from second');
    now += 2 * SEARCH_CACHE_DEFAULTS.ttlMs;
    expect(await owner()).toBe('lint from first');
    // The other one is still installable from its bundle's own index.
    expect((await index('/bundles/second/.well-known/agent-skills/index.json')).skills[0]!.description).toBe(
      'lint from second',
    );
  });

  test(`the registry-wide index stops at ${GLOBAL_INDEX_SKILLS} skills`, async () => {
    const names = Array.from({ length: GLOBAL_INDEX_SKILLS + 5 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    expect((await r.publish(token, 'many', multiBundle('many', '1.0.0', names))).status).toBe(201);
    const idx = await index('/.well-known/agent-skills/index.json');
    expect(idx.skills.map((s) => s.name)).toEqual(names.slice(0, GLOBAL_INDEX_SKILLS));
    expect((await index('/bundles/many/.well-known/agent-skills/index.json')).skills).toHaveLength(
      names.length,
    );
  });
});
