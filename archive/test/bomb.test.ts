/**
 * docs/security.md row 5: a 200 MiB gzip bomb, generated as a stream, stops early in bounded memory.
 * The work is bounded by counting the bytes fed to the bomb's gzip before the reader gave up;
 * time appears only as the test timeout.
 */
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArchiveError, type ArchiveLimits, readArchive } from '../src/index.ts';
import { tarOf } from './helpers/tar-builder.ts';

const MiB = 1024 * 1024;

/** Zero bytes fed to the last bomb's gzip before the reader gave up. */
let fed = 0;

/** Gzip of `prefix` followed by `zeros` zero bytes, produced lazily: never 200 MiB in memory. */
async function* gzipBomb(zeros: number, prefix: Buffer = Buffer.alloc(0)): AsyncGenerator<Buffer> {
  fed = 0;
  const gzip = createGzip({ level: 6 });
  gzip.on('error', () => {});
  const chunk = Buffer.alloc(MiB);
  const feed = async () => {
    if (prefix.length) gzip.write(prefix);
    for (let left = zeros; left > 0 && !gzip.destroyed; left -= MiB) {
      fed += Math.min(left, MiB);
      if (!gzip.write(left >= MiB ? chunk : chunk.subarray(0, left))) {
        await new Promise((r) => {
          gzip.once('drain', r);
          gzip.once('close', r);
        });
      }
    }
    if (!gzip.destroyed) gzip.end();
  };
  void feed();
  try {
    for await (const c of gzip) yield c as Buffer;
  } finally {
    gzip.destroy();
  }
}

async function measure(input: AsyncIterable<Uint8Array>, limits?: Partial<ArchiveLimits>) {
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await readArchive(input, limits);
    throw new Error('the bomb was accepted');
  } catch (e) {
    if (!(e instanceof ArchiveError)) throw e;
    peak = Math.max(peak, process.memoryUsage().rss);
    const result = { error: e, growth: peak - rssBefore };
    if (process.env.DEBUG_BOMB) console.log(e.code, Math.round(result.growth / MiB), 'MiB', fed);
    return result;
  } finally {
    clearInterval(timer);
  }
}

describe('a 200 MiB gzip bomb', () => {
  it('of bare zeros is refused on its ratio after a few MiB', async () => {
    const r = await measure(gzipBomb(200 * MiB));
    expect(r.error.code).toBe('RATIO_EXCEEDED');
    expect(r.growth).toBeLessThan(100 * MiB);
    expect(fed).toBeLessThan(64 * MiB);
  });

  it('behind a file header declaring 200 MiB is refused from the header', async () => {
    const header = tarOf([{ name: 'bundle/zeros', size: 200 * MiB }], { end: false }).subarray(0, 512);
    const r = await measure(gzipBomb(200 * MiB, header));
    expect(r.error.code).toBe('FILE_TOO_LARGE');
    expect(fed).toBeLessThan(32 * MiB);
  });

  it('is refused on unpacked size when the ratio check is off', async () => {
    const header = tarOf([{ name: 'bundle/zeros', size: 9 * MiB }], { end: false }).subarray(0, 512);
    const r = await measure(gzipBomb(200 * MiB, header), { maxRatio: Number.POSITIVE_INFINITY });
    expect(r.error.code).toBe('UNPACKED_TOO_LARGE');
    expect(r.growth).toBeLessThan(100 * MiB);
    expect(fed).toBeLessThan(100 * MiB);
  });

  it('is refused when its many 1 MiB files exceed the unpacked limit', async () => {
    async function* many() {
      const gzip = createGzip({ level: 1 });
      gzip.on('error', () => {});
      void (async () => {
        const data = Buffer.alloc(1024 * 1024, 0x61);
        for (let i = 0; i < 100 && !gzip.destroyed; i++) {
          if (!gzip.write(tarOf([{ name: `bundle/f${i}`, data }], { end: false }))) {
            await new Promise((r) => {
              gzip.once('drain', r);
              gzip.once('close', r);
            });
          }
        }
        if (!gzip.destroyed) gzip.end();
      })();
      try {
        for await (const c of gzip) yield c as Buffer;
      } finally {
        gzip.destroy();
      }
    }
    const r = await measure(many(), { maxRatio: Number.POSITIVE_INFINITY });
    expect(r.error.code).toBe('UNPACKED_TOO_LARGE');
    expect(r.growth).toBeLessThan(150 * MiB);
  });
});
