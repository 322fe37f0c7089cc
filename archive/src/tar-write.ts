/**
 * A minimal, fully deterministic ustar writer: regular files only, every header field fixed
 * except name, mode and size. Paths that do not fit ustar's name/prefix fields get a pax `path`
 * record, and nothing else.
 */

const BLOCK = 512;

/** 1985-10-26T08:15:00Z, the fixed mtime npm uses too. */
export const FIXED_MTIME = 499162500;

/** One regular file to write: full path inside the archive (root folder included). */
export interface TarFileEntry {
  path: string;
  data: Buffer;
  mode: number;
}

/** Writes regular-file entries, in the order given, followed by the two zero end blocks. */
export function writeTar(entries: readonly TarFileEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const split = splitUstarPath(e.path);
    if (!split) {
      const record = paxRecord('path', e.path);
      parts.push(
        header({ name: paxHeaderName(e.path), prefix: '', mode: 0o644, size: record.length, type: 'x' }),
      );
      parts.push(record, padding(record.length));
    }
    const { name, prefix } = split ?? { name: truncateUtf8(basename(e.path), 100), prefix: '' };
    parts.push(header({ name, prefix, mode: e.mode, size: e.data.length, type: '0' }));
    parts.push(e.data, padding(e.data.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

interface HeaderFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  type: '0' | 'x';
}

function header(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(f.name, 0, 100, 'utf8');
  octal(h, 100, 8, f.mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, f.size);
  octal(h, 136, 12, FIXED_MTIME);
  h.write(f.type, 156, 1, 'latin1');
  h.write('ustar\u000000', 257, 8, 'latin1');
  // uname and gname stay empty; devmajor and devminor stay zero bytes.
  h.write(f.prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return h;
}

function octal(h: Buffer, offset: number, length: number, value: number): void {
  h.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Splits `path` into ustar's prefix (≤155 bytes) and name (≤100 bytes) at a `/`, or undefined. */
export function splitUstarPath(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) > 155) return undefined;
    if (name.length > 0 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  return undefined;
}

/** `LEN key=value\n`, where LEN counts the whole record, its own digits included. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let len = bodyBytes + 1;
  while (String(len).length + bodyBytes !== len) len = String(len).length + bodyBytes;
  return Buffer.from(`${len}${body}`, 'utf8');
}

function paxHeaderName(path: string): string {
  return truncateUtf8(`PaxHeader/${basename(path)}`, 100);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function truncateUtf8(s: string, maxBytes: number): string {
  let out = s;
  while (Buffer.byteLength(out) > maxBytes) out = out.slice(0, -1);
  return out;
}
