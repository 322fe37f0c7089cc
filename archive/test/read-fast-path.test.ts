/**
 * `readArchive` reads a small Buffer with one gunzip call (`gunzipWithinLimits`) and anything
 * else as a stream. The two must agree on every input: the same files, or the same refusal.
 * An async iterable always takes the stream, so each input is read both ways and compared.
 */
import { createGunzip } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { type ArchiveLimits, readArchive } from '../src/index.ts';
import { gz, tarOf, tgzOf } from './helpers/tar-builder.ts';

// Counts the gunzip streams readArchive opens; each still works as node:zlib's.
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  return { ...zlib, createGunzip: vi.fn(zlib.createGunzip) };
});

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

/** What reading `bytes` answers: the files, or the refusal's code and entry. */
async function outcome(input: Buffer | AsyncIterable<Uint8Array>, limits: Partial<ArchiveLimits>) {
  try {
    const { root, files } = await readArchive(input, limits);
    return { root, files: files.map((f) => [f.path, f.executable, f.data.toString('base64')]) };
  } catch (e) {
    const { code, entry } = e as { code?: string; entry?: string };
    return { refused: code ?? String(e), entry };
  }
}

async function expectAgreement(bytes: Buffer, limits: Partial<ArchiveLimits> = {}) {
  const fast = await outcome(bytes, limits);
  expect(fast, `${bytes.length} bytes`).toEqual(await outcome(once(bytes), limits));
  return fast;
}

/** A deterministic pseudo-random sequence, so a failure names the same inputs again. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('the one-call gunzip of a small Buffer and the stream agree', () => {
  const valid = tgzOf({
    'skill.json': '{"name":"tool","version":"1.0.0"}',
    'skills/a/SKILL.md': `---\nname: a\ndescription: A\n---\n${'text '.repeat(500)}`,
    'skills/a/run.sh': '#!/bin/sh\necho hi\n',
  });

  it('reads a valid bundle to the same files', async () => {
    expect(await expectAgreement(valid)).toHaveProperty('files');
  });

  it('reads a small Buffer without a gunzip stream, and only then', async () => {
    const streams = vi.mocked(createGunzip);
    streams.mockClear();
    await readArchive(valid);
    expect(streams).not.toHaveBeenCalled();
    await readArchive(once(valid));
    expect(streams).toHaveBeenCalledTimes(1);
  });

  it('refuses each byte flipped, each truncation and trailing bytes alike', async () => {
    const random = prng(11);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(valid);
      const at = Math.floor(random() * bytes.length);
      bytes[at] = (bytes[at]! + 1 + Math.floor(random() * 255)) & 0xff;
      await expectAgreement(bytes);
    }
    for (let n = 0; n < valid.length; n += 7) await expectAgreement(valid.subarray(0, n));
    await expectAgreement(Buffer.concat([valid, Buffer.from('trailing')]));
    await expectAgreement(Buffer.concat([valid, valid]));
  });

  it('refuses over the unpacked and ratio caps, and on tar rules, alike', async () => {
    const zeros = gz(tarOf([{ name: 'bundle/zeros', data: Buffer.alloc(3 * 1024 * 1024) }]));
    expect(await expectAgreement(zeros)).toMatchObject({ refused: 'RATIO_EXCEEDED' });
    expect(await expectAgreement(zeros, { maxUnpackedBytes: 64 * 1024 })).toMatchObject({
      refused: 'UNPACKED_TOO_LARGE',
    });
    expect(await expectAgreement(valid, { maxFileBytes: 100 })).toMatchObject({ refused: 'FILE_TOO_LARGE' });
    expect(await expectAgreement(valid, { maxEntries: 1 })).toMatchObject({ refused: 'TOO_MANY_ENTRIES' });
    const traversal = gz(tarOf([{ name: 'bundle/../x', data: 'x' }]));
    expect(await expectAgreement(traversal)).toMatchObject({ refused: 'PATH_TRAVERSAL' });
    expect(await expectAgreement(Buffer.alloc(0))).toMatchObject({ refused: 'CORRUPT_GZIP' });
  });
});
