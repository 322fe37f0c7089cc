import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { ArchiveError } from './errors.ts';
import { type ArchiveLimits, RATIO_GRACE_BYTES, resolveLimits } from './limits.ts';
import { CollisionGuard, checkBundlePath, checkRawName } from './paths.ts';
import { type EntryHeader, TarParser } from './tar-read.ts';
import type { BundleFile } from './types.ts';

/** A Buffer input is fed to gunzip in slices of this size, so limits stop it early. */
const SLICE = 64 * 1024;

/**
 * Reads a gzip tar bundle, treating every byte as hostile (docs/security.md rows 1–6), and returns
 * its files with the one root folder (any name, `bundle` when packed here) stripped, sorted by path.
 * Only regular files and folders are accepted; folders are not returned. Bytes are counted as
 * they stream and reading stops at the first refusal (an iterable input is abandoned: its
 * iterator's `return()` is called, which destroys a Node stream).
 * @throws ArchiveError, naming the entry where there is one:
 *   PATH_TRAVERSAL, ABSOLUTE_PATH, BACKSLASH_PATH, INVALID_PATH (NUL, control characters, bad
 *   UTF-8, names Windows refuses), LINK_ENTRY, SPECIAL_ENTRY, NAME_COLLISION, PATH_TOO_LONG,
 *   PATH_TOO_DEEP, TOO_MANY_ENTRIES, FILE_TOO_LARGE, UNPACKED_TOO_LARGE, COMPRESSED_TOO_LARGE,
 *   RATIO_EXCEEDED, CORRUPT_GZIP, CORRUPT_TAR (bad checksum, truncated, lying sizes),
 *   MULTIPLE_ROOTS, EMPTY_ARCHIVE. Errors of the input iterable itself are passed through.
 * @example const { files } = await readArchive(await readFile('bundle.tgz'), { maxFileBytes: 1 << 20 });
 */
export async function readArchive(
  input: Buffer | AsyncIterable<Uint8Array>,
  limits: Partial<ArchiveLimits> = {},
): Promise<{ root: string; files: BundleFile[] }> {
  const l = resolveLimits(limits);
  if (Buffer.isBuffer(input) && input.length > l.maxCompressedBytes)
    throw compressedTooLarge(input.length, l);
  const bundle = new BundleCollector(l);
  const parser = new TarParser(l, bundle);
  let compressed = 0;
  let unpacked = 0;

  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of slices(input)) {
      compressed += chunk.length;
      if (compressed > l.maxCompressedBytes) throw compressedTooLarge(compressed, l);
      yield chunk;
    }
    if (compressed === 0) throw new ArchiveError('CORRUPT_GZIP', 'the archive is empty');
  }

  async function consume(gunzipped: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of gunzipped) {
      unpacked += chunk.length;
      if (unpacked > l.maxUnpackedBytes) {
        throw new ArchiveError(
          'UNPACKED_TOO_LARGE',
          `unpacks to more than the limit of ${l.maxUnpackedBytes} bytes`,
        );
      }
      if (unpacked > RATIO_GRACE_BYTES && unpacked / compressed > l.maxRatio) {
        throw new ArchiveError(
          'RATIO_EXCEEDED',
          `unpacks to more than ${l.maxRatio} times its compressed size (${unpacked} bytes from ${compressed})`,
        );
      }
      parser.push(chunk);
    }
    parser.end();
  }

  const whole = Buffer.isBuffer(input) ? gunzipWithinLimits(input, l) : undefined;
  if (whole) {
    // Every cap on sizes holds for the whole output, so for each prefix the stream would check.
    parser.push(whole);
    parser.end();
    return bundle.result();
  }
  try {
    await pipeline(counted, createGunzip(), consume);
  } catch (e) {
    throw asArchiveError(e);
  }
  return bundle.result();
}

/**
 * The fast path for a small Buffer (one slice, so the stream would count it whole before the
 * first check): gunzip it in one call, its output capped at the most that passes both the
 * unpacked-size and the ratio caps. Anything else (over a cap, a corrupt or empty stream)
 * answers undefined, and the input is read again as a stream, which refuses it exactly as
 * before, at the same point. Saves the stream's thread-pool hops: most bundles are a few KB.
 */
function gunzipWithinLimits(input: Buffer, l: ArchiveLimits): Buffer | undefined {
  if (input.length === 0 || input.length > SLICE) return undefined;
  const most = Math.min(
    l.maxUnpackedBytes,
    Math.max(RATIO_GRACE_BYTES, Math.floor(l.maxRatio * input.length)),
  );
  if (most < 1) return undefined;
  try {
    return gunzipSync(input, { maxOutputLength: most });
  } catch {
    return undefined;
  }
}

/** Applies the path, root and collision rules to each entry as the parser meets it. */
class BundleCollector {
  private root: string | undefined;
  private readonly guard = new CollisionGuard();
  private readonly files: BundleFile[] = [];
  private readonly paths = new Map<EntryHeader, string>();

  constructor(private readonly limits: ArchiveLimits) {}

  header(entry: EntryHeader): void {
    const raw = entry.name;
    checkRawName(raw);
    const name = raw.replace(/^(\.\/)+/, '');
    if (name === '' && entry.kind === 'dir') return;
    const slash = name.indexOf('/');
    const root = slash === -1 ? name : name.slice(0, slash);
    const rest = slash === -1 ? '' : name.slice(slash + 1);
    if (this.root === undefined) {
      checkBundlePath(root, { maxPathLength: 255, maxPathDepth: 1 }, raw);
      this.root = root;
    } else if (root !== this.root) {
      throw new ArchiveError('MULTIPLE_ROOTS', `is outside the root folder "${this.root}"`, raw);
    }
    if (rest === '') {
      if (entry.kind === 'dir') return;
      throw new ArchiveError('MULTIPLE_ROOTS', 'is not inside a root folder', raw);
    }
    if (entry.kind !== 'file' && entry.kind !== 'dir') return; // the parser refuses it next
    const path = checkBundlePath(rest, this.limits, raw);
    if (entry.kind === 'dir') this.guard.addDir(path, raw);
    else {
      this.guard.addFile(path, raw);
      this.paths.set(entry, path);
    }
  }

  file(entry: EntryHeader, data: Buffer): void {
    const path = this.paths.get(entry);
    if (path === undefined)
      throw new ArchiveError('CORRUPT_TAR', 'file data without a checked header', entry.name);
    this.paths.delete(entry);
    this.files.push({ path, data, executable: (entry.mode & 0o111) !== 0 });
  }

  result(): { root: string; files: BundleFile[] } {
    if (this.root === undefined || this.files.length === 0) {
      throw new ArchiveError('EMPTY_ARCHIVE', 'the archive holds no files');
    }
    const files = [...this.files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    return { root: this.root, files };
  }
}

async function* slices(input: Buffer | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(input)) {
    for (let at = 0; at < input.length; at += SLICE) yield input.subarray(at, at + SLICE);
    return;
  }
  for await (const chunk of input) {
    if (chunk.length)
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  }
}

function compressedTooLarge(size: number, l: ArchiveLimits): ArchiveError {
  return new ArchiveError(
    'COMPRESSED_TOO_LARGE',
    `the archive is over the limit of ${l.maxCompressedBytes} compressed bytes (read ${size})`,
  );
}

/** zlib failures become CORRUPT_GZIP; ArchiveErrors and the input's own errors pass through. */
function asArchiveError(e: unknown): unknown {
  if (e instanceof ArchiveError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED')) {
    return new ArchiveError('CORRUPT_GZIP', `the gzip stream is corrupt: ${(e as Error).message}`);
  }
  return e;
}
