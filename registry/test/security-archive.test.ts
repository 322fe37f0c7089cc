import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundleTarball, bundleTree, skillMd } from './helpers/bundles.ts';
import { expectNothingLeft, snapshot } from './helpers/leftovers.ts';
import { paxEntry, type RawEntry, rawTar, rawTgz } from './helpers/raw-tar.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/**
 * docs/security.md rows 1–6: every hostile archive is refused with a 4xx naming what is wrong, and
 * leaves nothing behind. Each archive is built here, byte by byte where the packer would refuse.
 */

const NAME = 'victim';
const manifest = JSON.stringify({ name: NAME, version: '1.0.0', description: 'A victim' });
const skill = skillMd(NAME, 'A victim');
/** A valid bundle's entries, so that only the hostile entry is wrong. */
const valid = (): RawEntry[] => [
  { name: 'bundle/', type: '5' },
  { name: 'bundle/skill.json', data: manifest },
  { name: 'bundle/SKILL.md', data: skill },
];

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry({ archiveLimits: { maxCompressedBytes: 256 * 1024, maxFileBytes: 512 * 1024 } });
  token = await r.user('mallory');
});
afterEach(() => r.close());

async function expectRefused(tgz: Buffer, status: number, code: string, archiveCode?: string) {
  const before = await snapshot(r);
  const res = await r.publish(token, NAME, tgz);
  const body = (await res.json()) as { error: { code: string; problems?: { code: string; path: string }[] } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  if (archiveCode) expect(body.error.problems?.map((p) => p.code)).toContain(archiveCode);
  await expectNothingLeft(r, NAME, before);
  return body;
}

describe('row 1: path traversal', () => {
  test.each([
    ['dot-dot', { name: 'bundle/../evil.md', data: 'x' }, 'PATH_TRAVERSAL'],
    ['nested dot-dot', { name: 'bundle/scripts/../../../etc/cron.d/x', data: 'x' }, 'PATH_TRAVERSAL'],
    ['absolute', { name: '/etc/passwd', data: 'x' }, undefined],
    ['backslash', { name: 'bundle/..\\..\\evil.md', data: 'x' }, undefined],
    ['drive letter', { name: 'bundle/C:/Windows/evil.md', data: 'x' }, undefined],
  ] as [string, RawEntry, string | undefined][])('%s', async (_label, entry, code) => {
    const body = await expectRefused(rawTgz([...valid(), entry]), 422, 'INVALID_BUNDLE', code);
    expect(body.error.problems?.[0]?.path).toBeTruthy();
  });

  test('a pax header that rewrites the path to ../', async () => {
    await expectRefused(
      rawTgz([
        ...valid(),
        paxEntry({ path: 'bundle/../../evil.md' }),
        { name: 'bundle/innocent.md', data: 'x' },
      ]),
      422,
      'INVALID_BUNDLE',
      'PATH_TRAVERSAL',
    );
  });
});

describe('row 2: links and special files', () => {
  test.each([
    ['symlink', { name: 'bundle/link', type: '2', linkname: '/etc/passwd' }, 'LINK_ENTRY'],
    ['hardlink', { name: 'bundle/hard', type: '1', linkname: 'bundle/SKILL.md' }, 'LINK_ENTRY'],
    ['character device', { name: 'bundle/tty', type: '3' }, 'SPECIAL_ENTRY'],
    ['FIFO', { name: 'bundle/fifo', type: '6' }, 'SPECIAL_ENTRY'],
  ] as [string, RawEntry, string][])('%s', async (_label, entry, code) => {
    await expectRefused(rawTgz([...valid(), entry]), 422, 'INVALID_BUNDLE', code);
  });
});

describe('row 3: names that collide', () => {
  test('by case', async () => {
    await expectRefused(
      rawTgz([...valid(), { name: 'bundle/Skill.md', data: 'other' }]),
      422,
      'INVALID_BUNDLE',
      'NAME_COLLISION',
    );
  });
  test('by Unicode normalisation (NFC vs NFD)', async () => {
    const nfc = 'bundle/caf\u00e9.md';
    const nfd = 'bundle/cafe\u0301.md';
    await expectRefused(
      rawTgz([...valid(), { name: nfc, data: 'a' }, { name: nfd, data: 'b' }]),
      422,
      'INVALID_BUNDLE',
      'NAME_COLLISION',
    );
  });
});

describe('row 4: deep and long paths', () => {
  test('too deep', async () => {
    const deep = `bundle/${Array.from({ length: 40 }, (_, i) => `d${i}`).join('/')}/x.md`;
    await expectRefused(
      rawTgz([...valid(), paxEntry({ path: deep }), { name: 'bundle/x', data: 'x' }]),
      422,
      'INVALID_BUNDLE',
      'PATH_TOO_DEEP',
    );
  });
  test('too long', async () => {
    const long = `bundle/${'a'.repeat(250)}/${'b'.repeat(250)}.md`;
    await expectRefused(
      rawTgz([...valid(), paxEntry({ path: long }), { name: 'bundle/x', data: 'x' }]),
      422,
      'INVALID_BUNDLE',
      'PATH_TOO_LONG',
    );
  });
});

describe('row 5: bombs and lying sizes', () => {
  test('a gzip bomb (20 MiB of zeros in a few KiB) stops at the ratio cap', async () => {
    const tgz = rawTgz([...valid(), { name: 'bundle/zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(tgz.length).toBeLessThan(64 * 1024);
    await expectRefused(tgz, 422, 'INVALID_BUNDLE');
  });
  test('more entries than the cap', async () => {
    const many = Array.from({ length: 2100 }, (_, i) => ({ name: `bundle/f/${i}.md`, data: '' }));
    await expectRefused(rawTgz([...valid(), ...many]), 422, 'INVALID_BUNDLE', 'TOO_MANY_ENTRIES');
  });
  test('one file over the per-file cap', async () => {
    const big = Buffer.from(Array.from({ length: 600 * 1024 }, (_, i) => (i * 7919) % 251));
    await expectRefused(rawTgz([...valid(), { name: 'bundle/big.bin', data: big }]), 422, 'INVALID_BUNDLE');
  });
  test('a size header that lies', async () => {
    await expectRefused(
      rawTgz([...valid(), { name: 'bundle/liar.md', data: 'x'.repeat(5000), size: 10 }]),
      422,
      'INVALID_BUNDLE',
    );
  });
  test('a compressed body over the cap is 413, counted as it streams', async () => {
    const before = await snapshot(r);
    const noise = Buffer.from(Array.from({ length: 300 * 1024 }, () => Math.floor(Math.random() * 256)));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < noise.length; at += 16 * 1024)
          controller.enqueue(new Uint8Array(noise.subarray(at, at + 16 * 1024)));
        controller.close();
      },
    });
    const res = await r.app.request(`/v1/bundles/${NAME}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
    await expectNothingLeft(r, NAME, before);
  });
  test('a Content-Length over the cap is refused before reading', async () => {
    const res = await r.call('PUT', `/v1/bundles/${NAME}`, {
      token,
      body: 'x',
      headers: { 'content-type': 'application/gzip', 'content-length': String(10 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });
});

describe('row 6: malformed gzip and tar', () => {
  test.each([
    ['not gzip at all', Buffer.from('this is not a tarball')],
    ['empty body', Buffer.alloc(0)],
    ['truncated gzip', bundleTarball(NAME, '1.0.0').subarray(0, 60)],
    ['gzip of garbage', gzipSync(Buffer.from('garbage '.repeat(200)))],
    ['tar with a bad checksum', gzipSync(Buffer.concat([Buffer.from(rawTar(valid())).fill(7, 148, 150)]))],
    ['gzip of an empty tar', gzipSync(Buffer.alloc(1024))],
    ['two roots', rawTgz([...valid(), { name: 'other/x.md', data: 'x' }])],
  ])('%s → 422', async (_label, tgz) => {
    await expectRefused(tgz, 422, 'INVALID_BUNDLE');
  });

  test('random corruption of a valid tarball is never a 5xx', async () => {
    const good = bundleTarball(NAME, '1.0.0');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.nat(good.length), { nil: undefined }),
        async (flips, cut) => {
          const bad = Buffer.from(good);
          for (const [at, byte] of flips) bad[at] = byte;
          const res = await r.publish(token, NAME, cut === undefined ? bad : bad.subarray(0, cut));
          expect(res.status).toBeLessThan(500);
          if (res.status !== 201)
            expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { numRuns: 60 },
    );
  });
});

test('a valid bundle with a hostile neighbour file name is refused as a whole', async () => {
  const tree = bundleTree(NAME, '1.0.0');
  const entries: RawEntry[] = Object.entries(tree).map(([p, d]) => ({ name: `bundle/${p}`, data: d }));
  await expectRefused(
    rawTgz([...entries, { name: 'bundle/ok/../../../x', data: 'x' }]),
    422,
    'INVALID_BUNDLE',
    'PATH_TRAVERSAL',
  );
});
