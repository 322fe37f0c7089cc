/**
 * Builds tar archives byte by byte, including the hostile ones no well-behaved writer produces:
 * links, devices, traversal names, lying sizes, broken checksums.
 */
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** Type flag: '0' file (default), '5' folder, '1' hardlink, '2' symlink, '3' char device, '6' FIFO, 'x' pax… */
  type?: string;
  data?: Buffer | string;
  /** Declared size; defaults to the data length. Set it to lie. */
  size?: number;
  mode?: number;
  linkname?: string;
  prefix?: string;
  /** Raw bytes for the name field, overriding `name`. */
  nameBytes?: Buffer;
  /** Added to the correct checksum: anything but 0 breaks it. */
  checksumDelta?: number;
  magic?: 'posix' | 'gnu' | 'none';
}

export function header(e: RawEntry, dataLength: number): Buffer {
  const h = Buffer.alloc(512);
  if (e.nameBytes) e.nameBytes.copy(h, 0, 0, 100);
  else h.write(e.name, 0, 100, 'utf8');
  octal(h, 100, 8, e.mode ?? 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, e.size ?? dataLength);
  octal(h, 136, 12, 0);
  h.write(e.type ?? '0', 156, 1, 'latin1');
  if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
  const magic = e.magic ?? 'posix';
  if (magic === 'posix') h.write('ustar\u000000', 257, 8, 'latin1');
  if (magic === 'gnu') h.write('ustar  \u0000', 257, 8, 'latin1');
  if (e.prefix) h.write(e.prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  sum += e.checksumDelta ?? 0;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return h;
}

function octal(h: Buffer, offset: number, length: number, value: number): void {
  h.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

/** Header, data, padding for each entry; then the two zero end blocks unless `end` is false. */
export function tarOf(entries: RawEntry[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    parts.push(header(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (options.end ?? true) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A pax extended header entry setting `records` for the entry after it. */
export function paxEntry(records: Record<string, string>, type = 'x'): RawEntry {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len)
      len = String(len).length + Buffer.byteLength(rest);
    body += `${len}${rest}`;
  }
  return { name: 'PaxHeader', type, data: Buffer.from(body) };
}

export function gz(tar: Buffer): Buffer {
  return gzipSync(tar);
}

/** A gzip tar of plain files under `bundle/`. */
export function tgzOf(files: Record<string, string>): Buffer {
  return gz(tarOf(Object.entries(files).map(([name, data]) => ({ name: `bundle/${name}`, data }))));
}
