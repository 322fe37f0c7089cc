/** docs/security.md rows 1–6: each hostile archive is built here and must be refused with its code. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArchiveError, type ArchiveErrorCode, type ArchiveLimits, readArchive } from '../src/index.ts';
import { gz, paxEntry, type RawEntry, tarOf, tgzOf } from './helpers/tar-builder.ts';

async function refusal(
  input: Buffer | AsyncIterable<Uint8Array>,
  limits?: Partial<ArchiveLimits>,
): Promise<ArchiveError> {
  try {
    await readArchive(input, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError);
    return e as ArchiveError;
  }
  throw new Error('the archive was accepted');
}

const file = (name: string, data = 'x'): RawEntry => ({ name, data });
const ok = file('bundle/SKILL.md', 'hello');

async function expectCode(
  entries: RawEntry[],
  code: ArchiveErrorCode,
  entry?: string,
): Promise<ArchiveError> {
  const e = await refusal(gz(tarOf(entries)));
  expect(e.code).toBe(code);
  if (entry !== undefined) expect(e.entry).toBe(entry);
  return e;
}

describe('row 1: path traversal', () => {
  it.each([
    ['bundle/../x', 'PATH_TRAVERSAL'],
    ['../x', 'PATH_TRAVERSAL'],
    ['bundle/a/../../x', 'PATH_TRAVERSAL'],
    ['/etc/x', 'ABSOLUTE_PATH'],
    ['bundle/a\\..\\x', 'BACKSLASH_PATH'],
    ['a\\..\\x', 'BACKSLASH_PATH'],
    ['C:/x', 'ABSOLUTE_PATH'],
    ['bundle/C:/x', 'ABSOLUTE_PATH'],
    ['c:x', 'ABSOLUTE_PATH'],
  ] as const)('refuses %s with %s, naming the entry', async (name, code) => {
    const e = await expectCode([ok, file(name)], code, name);
    expect(e.message).toContain(name);
  });

  it('refuses a NUL inside a name field', async () => {
    const nameBytes = Buffer.concat([
      Buffer.from('bundle/a.md'),
      Buffer.from([0]),
      Buffer.from('../../evil'),
    ]);
    await expectCode([ok, { name: '', nameBytes, data: 'x' }], 'INVALID_PATH');
  });

  it('applies the same checks to a pax path and a ustar prefix', async () => {
    await expectCode(
      [ok, paxEntry({ path: 'bundle/../../x' }), file('bundle/innocent.md')],
      'PATH_TRAVERSAL',
    );
    await expectCode([ok, paxEntry({ path: '/etc/passwd' }), file('bundle/innocent.md')], 'ABSOLUTE_PATH');
    await expectCode([ok, paxEntry({ path: 'bundle/a\u0000b' }), file('bundle/innocent.md')], 'INVALID_PATH');
    await expectCode([ok, { name: 'x.md', prefix: 'bundle/..', data: 'x' }], 'PATH_TRAVERSAL');
  });

  it('refuses a GNU long name that traverses', async () => {
    const longName: RawEntry = {
      name: '././@LongLink',
      type: 'L',
      data: 'bundle/../../x\u0000',
      magic: 'gnu',
    };
    await expectCode([ok, longName, { ...file('bundle/short'), magic: 'gnu' }], 'PATH_TRAVERSAL');
  });

  it('refuses entries outside the one root folder', async () => {
    await expectCode([ok, file('other/x.md')], 'MULTIPLE_ROOTS', 'other/x.md');
    await expectCode([file('SKILL.md')], 'MULTIPLE_ROOTS');
  });
});

describe('row 2: links, devices, FIFOs', () => {
  it.each([
    ['symlink', '2', 'LINK_ENTRY'],
    ['hardlink', '1', 'LINK_ENTRY'],
    ['char device', '3', 'SPECIAL_ENTRY'],
    ['block device', '4', 'SPECIAL_ENTRY'],
    ['FIFO', '6', 'SPECIAL_ENTRY'],
    ['GNU sparse', 'S', 'SPECIAL_ENTRY'],
  ] as const)('refuses a %s', async (_what, type, code) => {
    await expectCode([ok, { name: 'bundle/evil', type, linkname: '/etc/passwd' }], code, 'bundle/evil');
  });
});

describe('row 2: GNU long link names', () => {
  it('refuses the long link name header itself', async () => {
    const longLink: RawEntry = { name: '././@LongLink', type: 'K', data: '/etc/passwd\u0000', magic: 'gnu' };
    await expectCode([ok, longLink, { name: 'bundle/l', type: '2', magic: 'gnu' }], 'LINK_ENTRY');
  });
});

describe('row 3: names that collide', () => {
  it('by case', async () => {
    const e = await expectCode([file('bundle/A.md'), file('bundle/a.md')], 'NAME_COLLISION', 'bundle/a.md');
    expect(e.message).toContain('A.md');
  });
  it('by Unicode normalisation (NFC and NFD)', async () => {
    await expectCode([file('bundle/caf\u00e9.md'), file('bundle/cafe\u0301.md')], 'NAME_COLLISION');
  });
  it('by case in a folder name', async () => {
    await expectCode([file('bundle/Docs/a.md'), file('bundle/docs/b.md')], 'NAME_COLLISION');
  });
  it('a file that is also a folder', async () => {
    await expectCode([file('bundle/a'), file('bundle/a/b.md')], 'NAME_COLLISION');
  });
  it('the same entry twice', async () => {
    await expectCode([file('bundle/a.md'), file('bundle/a.md')], 'NAME_COLLISION');
  });
});

describe('row 4: deep and long paths', () => {
  it('refuses a 40-deep path', async () => {
    const deep = `bundle/${Array.from({ length: 40 }, () => 'd').join('/')}/x.md`;
    await expectCode([ok, paxEntry({ path: deep }), file('bundle/y')], 'PATH_TOO_DEEP', deep);
  });
  it('refuses a 300-character path', async () => {
    const long = `bundle/${'l'.repeat(300)}`;
    const e = await expectCode([ok, paxEntry({ path: long }), file('bundle/y')], 'PATH_TOO_LONG');
    expect(e.message).toContain('240');
  });
});

describe('row 5: bombs and lying sizes', () => {
  it('refuses too many entries', async () => {
    const many = Array.from({ length: 30 }, (_, i) => file(`bundle/f${i}.md`));
    const e = await refusal(gz(tarOf(many)), { maxEntries: 20 });
    expect(e.code).toBe('TOO_MANY_ENTRIES');
  });
  it('refuses a file over the per-file limit from its header, before reading it', async () => {
    const e = await refusal(gz(tarOf([{ name: 'bundle/big', size: 11 * 1024 * 1024, data: 'x' }])));
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.entry).toBe('bundle/big');
  });
  it('refuses more unpacked bytes than the limit, counting them', async () => {
    const e = await refusal(tgzOf({ a: 'a'.repeat(5000), b: 'b'.repeat(5000) }), { maxUnpackedBytes: 8000 });
    expect(e.code).toBe('UNPACKED_TOO_LARGE');
  });
  it('refuses a compressed input over the limit, Buffer or stream', async () => {
    const tgz = tgzOf({ a: 'x' });
    expect((await refusal(tgz, { maxCompressedBytes: 10 })).code).toBe('COMPRESSED_TOO_LARGE');
    async function* chunks() {
      for (const b of tgz) yield Buffer.from([b]);
    }
    expect((await refusal(chunks(), { maxCompressedBytes: 10 })).code).toBe('COMPRESSED_TOO_LARGE');
  });
  it('refuses a suspicious ratio once past the grace size', async () => {
    const e = await refusal(tgzOf({ a: 'a'.repeat(3 * 1024 * 1024) }));
    expect(e.code).toBe('RATIO_EXCEEDED');
  });
  it('accepts a small, very compressible text bundle', async () => {
    const { files } = await readArchive(tgzOf({ 'SKILL.md': 'a'.repeat(500_000) }));
    expect(files[0]!.data.length).toBe(500_000);
  });
  it('refuses a header that declares less than its data (the rest is a corrupt header)', async () => {
    const e = await refusal(gz(tarOf([{ name: 'bundle/a', size: 10, data: Buffer.alloc(5000, 0x41) }])));
    expect(e.code).toBe('CORRUPT_TAR');
  });
  it('refuses a header that declares more than its data (truncated)', async () => {
    const e = await refusal(gz(tarOf([{ name: 'bundle/a', size: 100_000, data: 'short' }])));
    expect(e.code).toBe('CORRUPT_TAR');
  });
  it('refuses a pax size that lies', async () => {
    const e = await refusal(gz(tarOf([paxEntry({ size: '99999' }), file('bundle/a', 'short')])));
    expect(e.code).toBe('CORRUPT_TAR');
  });
});

describe('row 6: malformed gzip and tar', () => {
  it('garbage bytes', async () => {
    expect((await refusal(Buffer.from('this is not a gzip file at all'))).code).toBe('CORRUPT_GZIP');
  });
  it('empty input', async () => {
    expect((await refusal(Buffer.alloc(0))).code).toBe('CORRUPT_GZIP');
  });
  it('truncated gzip, at every cut', async () => {
    const tgz = tgzOf({ 'SKILL.md': 'hello world '.repeat(50), 'b.md': 'more' });
    for (let cut = 1; cut < tgz.length; cut += 7) {
      const e = await refusal(tgz.subarray(0, cut));
      expect(['CORRUPT_GZIP', 'CORRUPT_TAR']).toContain(e.code);
    }
  });
  it('a gzip with flipped bytes fails its CRC or inflates to junk', async () => {
    const tgz = Buffer.from(tgzOf({ 'SKILL.md': 'hello' }));
    tgz[tgz.length - 6]! ^= 0xff;
    expect((await refusal(tgz)).code).toBe('CORRUPT_GZIP');
  });
  it('gzip of garbage (not tar)', async () => {
    expect((await refusal(gzipSync(Buffer.alloc(2048, 0x61)))).code).toBe('CORRUPT_TAR');
  });
  it('a bad header checksum', async () => {
    await expectCode([{ ...ok, checksumDelta: 1 }], 'CORRUPT_TAR');
  });
  it('a header without ustar magic', async () => {
    await expectCode([{ ...ok, magic: 'none' }], 'CORRUPT_TAR');
  });
  it('a malformed size field', async () => {
    const t = tarOf([ok]);
    t.write('12z4567', 124, 'latin1');
    let sum = 0;
    t.fill(0x20, 148, 156);
    for (const b of t.subarray(0, 512)) sum += b;
    t.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
    expect((await refusal(gz(t))).code).toBe('CORRUPT_TAR');
  });
  it('a tar without its end marker', async () => {
    expect((await refusal(gz(tarOf([ok], { end: false })))).code).toBe('CORRUPT_TAR');
  });
  it('data hidden after the end marker', async () => {
    const t = Buffer.concat([tarOf([ok]), tarOf([file('bundle/hidden')])]);
    expect((await refusal(gz(t))).code).toBe('CORRUPT_TAR');
  });
  it('a malformed pax record', async () => {
    const bad: RawEntry = { name: 'PaxHeader', type: 'x', data: '99 path=bundle/x\n' };
    await expectCode([bad, file('bundle/x')], 'CORRUPT_TAR');
  });
  it('a global pax header that sets a path', async () => {
    await expectCode([paxEntry({ path: 'bundle/x' }, 'g'), ok], 'CORRUPT_TAR');
  });
  it('an archive with only folders', async () => {
    expect((await refusal(gz(tarOf([{ name: 'bundle/', type: '5' }])))).code).toBe('EMPTY_ARCHIVE');
  });
  it('a stream that errors midway is passed through, without an unhandled rejection', async () => {
    const tgz = tgzOf({ 'SKILL.md': 'x' });
    async function* failing() {
      yield tgz.subarray(0, 10);
      throw new Error('connection reset');
    }
    await expect(readArchive(failing())).rejects.toThrow('connection reset');
  });
  it('random bytes never crash or hang the reader', async () => {
    const tgz = tgzOf({ 'SKILL.md': 'hello', 'a/b.md': 'world' });
    for (let i = 0; i < 200; i++) {
      const mutated = Buffer.from(tgz);
      const at = (i * 7919) % mutated.length;
      mutated[at] = (mutated[at]! + 1 + i) & 0xff;
      await readArchive(mutated).catch((e: unknown) => {
        expect(e).toBeInstanceOf(ArchiveError);
      });
    }
    const raw = tarOf([ok, file('bundle/a/b.md', 'world')]);
    for (let i = 0; i < 300; i++) {
      const mutated = Buffer.from(raw);
      mutated[(i * 31) % 1536] = (i * 13) & 0xff;
      await readArchive(gz(mutated)).catch((e: unknown) => {
        expect(e).toBeInstanceOf(ArchiveError);
      });
    }
  });
});

describe('what it accepts', () => {
  it('strips any single root name, a leading ./, and folder entries', async () => {
    const { root, files } = await readArchive(
      gz(
        tarOf([
          { name: './package/', type: '5' },
          file('./package/SKILL.md', 'hi'),
          file('./package/a/b.md', 'b'),
        ]),
      ),
    );
    expect(root).toBe('package');
    expect(files.map((f) => f.path)).toEqual(['SKILL.md', 'a/b.md']);
  });
  it('reads the same from a stream cut into tiny chunks', async () => {
    const tgz = tgzOf({ 'SKILL.md': 'hello '.repeat(1000), 'a/b.md': 'world' });
    async function* tiny() {
      for (let at = 0; at < tgz.length; at += 3) yield new Uint8Array(tgz.subarray(at, at + 3));
    }
    const fromStream = await readArchive(tiny());
    const fromBuffer = await readArchive(tgz);
    expect(fromStream).toEqual(fromBuffer);
  });
  it('takes the executable bit from any x bit of the mode', async () => {
    const { files } = await readArchive(gz(tarOf([{ ...file('bundle/run.sh'), mode: 0o700 }, ok])));
    expect(files.find((f) => f.path === 'run.sh')!.executable).toBe(true);
    expect(files.find((f) => f.path === 'SKILL.md')!.executable).toBe(false);
  });
});
