/**
 * Our own tar reader sees raw headers that node-tar hides, so it stays; this keeps it honest:
 * whatever readArchive accepts, node-tar in strict mode lists with the same paths and bytes.
 * The archives are canonical packs of random bundles, then random byte changes of the tar
 * stream (most are refused; the accepted ones are the interesting ones).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { type BundleFile, packFiles, readArchive } from '../src/index.ts';

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,11}$/).filter((s) => !s.endsWith('.'));
const bundleFiles = fc.uniqueArray(
  fc.record({
    path: fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')),
    data: fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)),
    executable: fc.boolean(),
  }),
  { minLength: 1, maxLength: 6, selector: (f) => f.path.split('/')[0]! },
);
const mutations = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), {
  minLength: 0,
  maxLength: 4,
});

/** Files as node-tar in strict mode lists them (root stripped), or undefined when it refuses. */
async function nodeTarFiles(tgz: Buffer): Promise<Map<string, Buffer> | undefined> {
  const files = new Map<string, Buffer>();
  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (e) => {
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () => {
        if (e.type === 'File') files.set(e.path.replace(/^bundle\//, ''), Buffer.concat(chunks));
      });
    },
  });
  const ok = await new Promise<boolean>((resolve) => {
    parser.on('end', () => resolve(true));
    parser.on('error', () => resolve(false));
    parser.on('warn', () => resolve(false));
    parser.end(tgz);
  });
  return ok ? files : undefined;
}

async function ours(tgz: Buffer): Promise<BundleFile[] | undefined> {
  return readArchive(tgz).then(
    (r) => r.files,
    () => undefined,
  );
}

describe('readArchive agrees with node-tar (strict)', () => {
  it('on every archive it accepts', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bundleFiles, mutations, async (files, changes) => {
        const raw = Buffer.from(gunzipSync(packFiles(files)));
        for (const c of changes) raw[c.at % raw.length] = c.byte;
        const tgz = gzipSync(raw);
        const mine = await ours(tgz);
        if (!mine) return;
        accepted++;
        const theirs = await nodeTarFiles(tgz);
        expect(theirs, 'node-tar refused an archive readArchive accepted').toBeDefined();
        expect([...theirs!.keys()].sort()).toEqual(mine.map((f) => f.path).sort());
        for (const f of mine) expect(theirs!.get(f.path)?.equals(f.data), f.path).toBe(true);
      }),
      { numRuns: 300 },
    );
    // The property said something: unchanged archives (no mutations) are always accepted.
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);
});
