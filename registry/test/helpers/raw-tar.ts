import { gzipSync } from 'node:zlib';

/**
 * A tar entry written exactly as given, for hostile archives the canonical packer refuses to
 * make: any name, type, link target, and a `size` header that may lie about the data.
 */
export interface RawEntry {
  name: string;
  /** ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' dir, '6' FIFO, 'x' pax. */
  type?: string;
  data?: Buffer | string;
  linkname?: string;
  /** The size written in the header; defaults to the data's length. */
  size?: number;
  mode?: number;
  /** ustar prefix field (joined to the name with `/` by readers). */
  prefix?: string;
}

/** An uncompressed tar of the entries, with the two zero blocks at the end unless `noEnd`. */
export function rawTar(entries: RawEntry[], options: { noEnd?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    blocks.push(header(e, data.length));
    blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (!options.noEnd) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** rawTar, gzipped. */
export function rawTgz(entries: RawEntry[], options: { noEnd?: boolean } = {}): Buffer {
  return gzipSync(rawTar(entries, options));
}

/** A pax extended header entry carrying `records` (e.g. `{ path: '../x' }`). */
export function paxEntry(records: Record<string, string>, name = 'PaxHeader'): RawEntry {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len++;
    body += `${len}${rest}`;
  }
  return { name, type: 'x', data: body };
}

function header(e: RawEntry, dataLength: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) => {
    Buffer.from(value, 'utf8').copy(h, offset, 0, length);
  };
  const octal = (n: number, offset: number, length: number) =>
    put(`${n.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  put(e.name, 0, 100);
  octal(e.mode ?? 0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(e.size ?? dataLength, 124, 12);
  octal(0, 136, 12);
  h.fill(0x20, 148, 156);
  put(e.type ?? '0', 156, 1);
  put(e.linkname ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(e.prefix ?? '', 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}
