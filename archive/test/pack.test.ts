import { execFileSync } from 'node:child_process';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import {
  type BundleFile,
  CollisionGuard,
  collectFiles,
  FIXED_MTIME,
  integrityOf,
  packDirectory,
  packFiles,
  readArchive,
} from '../src/index.ts';
import { tempDir, treeDir } from './helpers/fs-tree.ts';

const segment = fc
  .stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9_.é中 -]{0,14}$/)
  .filter((s) => !/[. ]$/.test(s) && !/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(s));
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
const longPath = fc
  .array(fc.stringMatching(/^[a-z][a-z0-9]{20,59}$/), { minLength: 2, maxLength: 5 })
  .map((s) => s.join('/'))
  .filter((p) => p.length <= 240);

function consistent(files: BundleFile[]): boolean {
  const guard = new CollisionGuard();
  try {
    for (const f of files) guard.addFile(f.path);
    return true;
  } catch {
    return false;
  }
}

const bundleFiles = fc
  .uniqueArray(
    fc.record({
      path: fc.oneof({ weight: 4, arbitrary: path }, { weight: 1, arbitrary: longPath }),
      data: fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
      executable: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12, selector: (f) => f.path.normalize('NFC').toLowerCase() },
  )
  .filter(consistent);

const byPath = (a: BundleFile, b: BundleFile) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

describe('packFiles', () => {
  it('gives the same bytes for the same files in any order', () => {
    fc.assert(
      fc.property(bundleFiles, fc.context(), (files, ctx) => {
        const shuffled = [...files].reverse();
        ctx.log(files.map((f) => f.path).join(', '));
        expect(packFiles(shuffled).equals(packFiles(files))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips through readArchive: paths, bytes and executable bits', async () => {
    await fc.assert(
      fc.asyncProperty(bundleFiles, async (files) => {
        const { root, files: back } = await readArchive(packFiles(files));
        expect(root).toBe('bundle');
        const expected = files.map((f) => ({ ...f, path: f.path.normalize('NFC') })).sort(byPath);
        expect(back.map((f) => [f.path, f.data.toString('hex'), f.executable])).toEqual(
          expected.map((f) => [f.path, f.data.toString('hex'), f.executable]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('writes the canonical form: fixed header fields, sorted entries, no folders, fixed gzip header', () => {
    const tgz = packFiles([
      { path: 'b.md', data: Buffer.from('b'), executable: false },
      { path: 'a/run.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
      { path: 'SKILL.md', data: Buffer.from('s'), executable: false },
    ]);
    expect([...tgz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    const raw = gunzipSync(tgz);
    const names: string[] = [];
    for (let at = 0; at + 512 <= raw.length; ) {
      const h = raw.subarray(at, at + 512);
      if (h.every((b) => b === 0)) break;
      const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const size = Number.parseInt(h.toString('latin1', 124, 135), 8);
      names.push(name);
      expect(h.toString('latin1', 156, 157)).toBe('0');
      expect(Number.parseInt(h.toString('latin1', 136, 147), 8)).toBe(FIXED_MTIME);
      expect(Number.parseInt(h.toString('latin1', 108, 115), 8)).toBe(0);
      expect(Number.parseInt(h.toString('latin1', 116, 123), 8)).toBe(0);
      expect(h.subarray(265, 329).every((b) => b === 0)).toBe(true); // uname, gname
      const mode = Number.parseInt(h.toString('latin1', 100, 107), 8);
      expect(mode).toBe(name.endsWith('.sh') ? 0o755 : 0o644);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['bundle/SKILL.md', 'bundle/a/run.sh', 'bundle/b.md']);
  });

  it('packs under another root folder when asked (npm packages use package/), and refuses a bad one', async () => {
    const files = [
      { path: 'package.json', data: Buffer.from('{}'), executable: false },
      { path: 'skills/a/run.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
    ];
    const tgz = packFiles(files, { root: 'package' });
    const { root, files: back } = await readArchive(tgz);
    expect(root).toBe('package');
    expect(back.map((f) => [f.path, f.executable])).toEqual([
      ['package.json', false],
      ['skills/a/run.sh', true],
    ]);
    expect(packFiles(files, { root: 'package' }).equals(tgz)).toBe(true);
    expect(() => packFiles(files, { root: '../x' })).toThrow(/not a root folder name/);
  });

  it("packs at the archive's root with root '' (a discovery skill archive: SKILL.md at the root)", () => {
    const files = [
      { path: 'scripts/run.sh', data: Buffer.from('#!/bin/sh\n'), executable: true },
      { path: 'SKILL.md', data: Buffer.from('---\nname: a\n---\n'), executable: false },
    ];
    const tgz = packFiles(files, { root: '' });
    const tarBytes = gunzipSync(tgz);
    const names: string[] = [];
    for (let at = 0; tarBytes[at] !== 0; ) {
      names.push(
        tarBytes
          .subarray(at, at + 100)
          .toString('utf8')
          .replace(/\0.*$/s, ''),
      );
      const size = Number.parseInt(tarBytes.subarray(at + 124, at + 136).toString('latin1'), 8);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['SKILL.md', 'scripts/run.sh']);
    expect(packFiles([...files].reverse(), { root: '' }).equals(tgz)).toBe(true);
  });

  it('uses a pax path record only for a path ustar cannot hold, and reads it back', async () => {
    const long = `${'x'.repeat(150)}.md`;
    const tgz = packFiles([{ path: long, data: Buffer.from('x'), executable: false }]);
    expect(gunzipSync(tgz).toString('latin1', 156, 157)).toBe('x');
    expect((await readArchive(tgz)).files[0]!.path).toBe(long);
  });

  it('normalises paths to NFC', async () => {
    const tgz = packFiles([{ path: 'cafe\u0301.md', data: Buffer.from('x'), executable: false }]);
    expect((await readArchive(tgz)).files[0]!.path).toBe('caf\u00e9.md');
  });

  it('refuses what readArchive would refuse', () => {
    const f = (p: string) => ({ path: p, data: Buffer.from('x'), executable: false });
    expect(() => packFiles([f('../x')])).toThrow(expect.objectContaining({ code: 'PATH_TRAVERSAL' }));
    expect(() => packFiles([f('A.md'), f('a.md')])).toThrow(
      expect.objectContaining({ code: 'NAME_COLLISION' }),
    );
    expect(() => packFiles([])).toThrow(expect.objectContaining({ code: 'EMPTY_ARCHIVE' }));
    expect(() => packFiles([f('a'.repeat(241))])).toThrow(expect.objectContaining({ code: 'PATH_TOO_LONG' }));
  });

  it('is listed the same by node-tar', async () => {
    const tgz = packFiles([
      { path: 'SKILL.md', data: Buffer.from('hello'), executable: false },
      { path: `${'d'.repeat(90)}/${'f'.repeat(90)}.md`, data: Buffer.from('deep'), executable: true },
    ]);
    const seen: { path: string; mode: number | undefined; mtime: number | undefined }[] = [];
    const parser = new tar.Parser({
      onReadEntry: (e) => {
        seen.push({ path: e.path, mode: e.mode, mtime: e.mtime?.getTime() });
        e.resume();
      },
    });
    await new Promise<void>((resolve, reject) => {
      parser.on('end', resolve);
      parser.on('error', reject);
      parser.end(tgz);
    });
    expect(seen).toEqual([
      { path: 'bundle/SKILL.md', mode: 0o644, mtime: FIXED_MTIME * 1000 },
      { path: `bundle/${'d'.repeat(90)}/${'f'.repeat(90)}.md`, mode: 0o755, mtime: FIXED_MTIME * 1000 },
    ]);
  });
});

describe('packDirectory', () => {
  it('gives the same bytes whatever the order and timestamps of the files on disk', async () => {
    await fc.assert(
      fc.asyncProperty(
        bundleFiles,
        fc.array(fc.integer({ min: 0, max: 2_000_000_000 }), { minLength: 12, maxLength: 12 }),
        async (files, times) => {
          const dir = await tempDir();
          const order = [...files].sort(() => (times[0]! % 2 ? 1 : -1));
          for (const [i, f] of order.entries()) {
            const abs = join(dir, f.path);
            await mkdir(join(abs, '..'), { recursive: true });
            await writeFile(abs, f.data, { mode: f.executable ? 0o755 : 0o644 });
            await utimes(abs, times[i]!, times[i]!);
          }
          const packed = await packDirectory(dir);
          expect(packed.tarball.equals(packFiles(files))).toBe(true);
          expect(packed.integrity).toBe(integrityOf(packFiles(files)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('returns the sha512 integrity of the tarball', async () => {
    const dir = await treeDir({ 'SKILL.md': 'x' });
    const { tarball, integrity } = await packDirectory(dir);
    expect(integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(integrity).toBe(integrityOf(tarball));
  });
});

describe('readArchive reads what other writers produce', () => {
  it('node-tar, with folder entries and pax headers', async () => {
    const dir = await treeDir({
      'bundle/SKILL.md': 'hello',
      'bundle/scripts/run.sh': '#!/bin/sh\necho hi\n',
      [`bundle/${'n'.repeat(120)}.md`]: 'long',
    });
    const out = join(dir, 'x.tgz');
    await tar.c({ gzip: true, cwd: dir, file: out, portable: true }, ['bundle']);
    const { root, files } = await readArchive(await readFile(out));
    expect(root).toBe('bundle');
    expect(files.map((f) => [f.path, f.executable])).toEqual([
      ['SKILL.md', false],
      [`${'n'.repeat(120)}.md`, false],
      ['scripts/run.sh', true],
    ]);
  });

  const hasGnuTar = (() => {
    try {
      return execFileSync('tar', ['--version']).toString().includes('GNU tar');
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasGnuTar)('GNU tar in gnu format, with long-name entries', async () => {
    const long = `${'g'.repeat(120)}.md`;
    const dir = await treeDir({ [`pkg/${long}`]: 'long', 'pkg/SKILL.md': 'x' });
    const out = join(dir, 'x.tgz');
    execFileSync('tar', ['--format=gnu', '-czf', out, '-C', dir, 'pkg']);
    const { root, files } = await readArchive(await readFile(out));
    expect(root).toBe('pkg');
    expect(files.map((f) => f.path).sort()).toEqual(['SKILL.md', long].sort());
  });

  it('collectFiles then packFiles equals packDirectory', async () => {
    const dir = await treeDir({ 'SKILL.md': 'x', 'a/b.md': 'y' });
    expect(packFiles(await collectFiles(dir)).equals((await packDirectory(dir)).tarball)).toBe(true);
  });
});
