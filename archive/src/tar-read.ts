/**
 * A small push parser for ustar, pax and GNU long-name archives that trusts nothing it reads:
 * every header's checksum and magic are verified, numeric fields must be clean octal, names must
 * be UTF-8 with nothing after their terminating NUL, and a file's data is exactly its declared
 * size (so a lying size shows up as a corrupt next header or a truncated archive).
 */
import { ArchiveError } from './errors.ts';

const BLOCK = 512;
/** Pax and GNU long-name headers carry names, not content: a few KiB is plenty. */
const MAX_META_BYTES = 64 * 1024;

export type EntryKind = 'file' | 'dir' | 'link' | 'special';

/** One entry's header, with pax and GNU long names already applied. */
export interface EntryHeader {
  name: string;
  kind: EntryKind;
  /** The raw type flag, for messages (`'2'` symlink, `'3'` char device, …). */
  typeflag: string;
  mode: number;
  size: number;
}

export interface TarHooks {
  /** Called for every entry before its data is read; throw to refuse it. */
  header(entry: EntryHeader): void;
  /** Called with a regular file's complete data. */
  file(entry: EntryHeader, data: Buffer): void;
}

export interface TarParserLimits {
  maxEntries: number;
  maxFileBytes: number;
}

type State =
  | { at: 'header' }
  | {
      at: 'data';
      entry: EntryHeader | undefined;
      meta: 'x' | 'g' | 'L' | undefined;
      data: Buffer;
      filled: number;
    }
  | { at: 'padding'; left: number }
  | { at: 'end' };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a tar stream fed in chunks of any size. Throws ArchiveError; never reads past a refusal. */
export class TarParser {
  private state: State = { at: 'header' };
  private pending = Buffer.alloc(0);
  private entries = 0;
  private pax: Map<string, string> | undefined;
  private longName: string | undefined;

  constructor(
    private readonly limits: TarParserLimits,
    private readonly hooks: TarHooks,
  ) {}

  /** @throws ArchiveError CORRUPT_TAR and the codes of the hooks and limits. */
  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (at < buf.length) {
      const s = this.state;
      if (s.at === 'end') {
        for (let i = at; i < buf.length; i++) {
          if (buf[i] !== 0) throw new ArchiveError('CORRUPT_TAR', 'data after the end-of-archive marker');
        }
        at = buf.length;
      } else if (s.at === 'padding') {
        const n = Math.min(s.left, buf.length - at);
        s.left -= n;
        at += n;
        if (s.left === 0) this.state = { at: 'header' };
      } else if (s.at === 'data') {
        const n = Math.min(s.data.length - s.filled, buf.length - at);
        buf.copy(s.data, s.filled, at, at + n);
        s.filled += n;
        at += n;
        if (s.filled === s.data.length) this.finishData(s);
      } else {
        if (buf.length - at < BLOCK) break;
        this.readHeader(buf.subarray(at, at + BLOCK));
        at += BLOCK;
      }
    }
    buf = buf.subarray(at);
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }

  /** Call when the input ends. @throws ArchiveError CORRUPT_TAR when the archive is truncated. */
  end(): void {
    if (this.state.at === 'end') return;
    const where = this.state.at === 'header' ? 'before its end-of-archive marker' : 'inside an entry';
    throw new ArchiveError('CORRUPT_TAR', `the archive is truncated ${where}`);
  }

  private readHeader(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      if (this.pax || this.longName !== undefined) {
        throw new ArchiveError('CORRUPT_TAR', 'the archive ends right after an extended header');
      }
      this.state = { at: 'end' };
      return;
    }
    verifyChecksum(block);
    const magic = block.toString('latin1', 257, 265);
    const posix = magic === 'ustar\u000000';
    if (!posix && magic !== 'ustar  \u0000')
      throw new ArchiveError('CORRUPT_TAR', 'a header is not in ustar format');
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError('TOO_MANY_ENTRIES', `more than ${this.limits.maxEntries} entries`);
    }
    const typeflag = block.toString('latin1', 156, 157);
    if (typeflag === 'K') throw new ArchiveError('LINK_ENTRY', 'a GNU long link name: only links carry one');
    const size = readSize(block);
    const mode = readOctal(block, 100, 8, 'mode');

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L') {
      if (size > MAX_META_BYTES)
        throw new ArchiveError('CORRUPT_TAR', `an extended header of ${size} bytes is too large`);
      this.startData(undefined, typeflag, size);
      return;
    }
    const headerName = readName(block, 0, 100);
    const prefix = posix ? readName(block, 345, 155) : '';
    let name = this.pax?.get('path') ?? this.longName ?? (prefix ? `${prefix}/${headerName}` : headerName);
    const paxSize = this.pax?.get('size');
    this.pax = undefined;
    this.longName = undefined;
    const realSize = paxSize === undefined ? size : parsePaxSize(paxSize);

    let kind: EntryKind;
    if (typeflag === '0' || typeflag === '\u0000' || typeflag === '7') kind = 'file';
    else if (typeflag === '5') kind = 'dir';
    else if (typeflag === '1' || typeflag === '2') kind = 'link';
    else kind = 'special';
    if (kind === 'file' && name.endsWith('/') && realSize === 0) kind = 'dir';
    if (kind === 'dir') name = name.replace(/\/+$/, '');

    const entry: EntryHeader = { name, kind, typeflag, mode, size: realSize };
    this.hooks.header(entry);
    if (kind === 'link') {
      throw new ArchiveError('LINK_ENTRY', 'is a link; a bundle holds regular files and folders only', name);
    }
    if (kind === 'special') {
      throw new ArchiveError(
        'SPECIAL_ENTRY',
        `has entry type "${typeflag}"; a bundle holds regular files and folders only`,
        name,
      );
    }
    if (kind === 'dir') {
      if (realSize !== 0) throw new ArchiveError('CORRUPT_TAR', 'a folder entry carries data', name);
      return;
    }
    if (realSize > this.limits.maxFileBytes) {
      throw new ArchiveError(
        'FILE_TOO_LARGE',
        `declares ${realSize} bytes, over the per-file limit of ${this.limits.maxFileBytes}`,
        name,
      );
    }
    this.startData(entry, undefined, realSize);
  }

  /**
   * The data goes into one buffer of the declared size (already capped), copied as it arrives:
   * a stream cut into tiny chunks cannot multiply the memory held per byte.
   */
  private startData(entry: EntryHeader | undefined, meta: 'x' | 'g' | 'L' | undefined, size: number): void {
    const s: State = { at: 'data', entry, meta, data: Buffer.alloc(size), filled: 0 };
    if (size === 0) this.finishData(s);
    else this.state = s;
  }

  private finishData(s: Extract<State, { at: 'data' }>): void {
    const data = s.data;
    if (s.meta === 'x') this.pax = new Map([...(this.pax ?? []), ...parsePax(data)]);
    else if (s.meta === 'g') {
      const global = parsePax(data);
      if (global.has('path') || global.has('size') || global.has('linkpath')) {
        throw new ArchiveError('CORRUPT_TAR', 'a global pax header sets path, size or linkpath');
      }
    } else if (s.meta === 'L')
      this.longName = decodeName(data.subarray(0, trimNulEnd(data)), 'GNU long name');
    else if (s.entry) this.hooks.file(s.entry, data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    this.state = pad ? { at: 'padding', left: pad } : { at: 'header' };
  }
}

function verifyChecksum(block: Buffer): void {
  const stored = readOctal(block, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed)
    throw new ArchiveError('CORRUPT_TAR', 'a header checksum does not match');
}

/** Octal digits, optionally space-padded in front and NUL/space-terminated; an empty field is 0. */
function readOctal(block: Buffer, offset: number, length: number, what: string): number {
  const text = block.toString('latin1', offset, offset + length);
  const m = /^ *([0-7]*)[ \u0000]*$/.exec(text);
  if (!m) throw new ArchiveError('CORRUPT_TAR', `a header has a malformed ${what} field`);
  return m[1] ? Number.parseInt(m[1], 8) : 0;
}

function readSize(block: Buffer): number {
  if ((block[124]! & 0x80) !== 0) {
    throw new ArchiveError('FILE_TOO_LARGE', 'a header declares a size in base-256 form (over 8 GiB)');
  }
  return readOctal(block, 124, 12, 'size');
}

function trimNulEnd(data: Buffer): number {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return end;
}

/** A NUL-terminated field: everything after the first NUL must be NUL too. */
function readName(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  const end = nul === -1 ? length : nul;
  if (nul !== -1 && field.subarray(nul).some((b) => b !== 0)) {
    throw new ArchiveError('INVALID_PATH', 'an entry name holds a NUL byte', printableBytes(field));
  }
  return decodeName(field.subarray(0, end), 'entry name');
}

function decodeName(bytes: Buffer, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ArchiveError('INVALID_PATH', `an ${what} is not valid UTF-8`, printableBytes(bytes));
  }
}

function printableBytes(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** Parses pax records `LEN key=value\n`; malformed records are CORRUPT_TAR. */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0 && data.subarray(at).every((b) => b === 0)) break;
    const space = data.indexOf(0x20, at);
    const lenText = space === -1 ? '' : data.toString('latin1', at, space);
    if (!/^[1-9][0-9]{0,6}$/.test(lenText))
      throw new ArchiveError('CORRUPT_TAR', 'a pax record has a malformed length');
    const len = Number(lenText);
    const record = data.subarray(at, at + len);
    if (record.length !== len || record[len - 1] !== 0x0a) {
      throw new ArchiveError('CORRUPT_TAR', 'a pax record overruns its header');
    }
    const text = decodeName(record.subarray(space - at + 1, len - 1), 'pax record');
    const eq = text.indexOf('=');
    if (eq <= 0) throw new ArchiveError('CORRUPT_TAR', 'a pax record has no key');
    out.set(text.slice(0, eq), text.slice(eq + 1));
    at += len;
  }
  return out;
}

function parsePaxSize(text: string): number {
  if (!/^[0-9]{1,16}$/.test(text)) throw new ArchiveError('CORRUPT_TAR', 'a pax size record is malformed');
  return Number(text);
}
