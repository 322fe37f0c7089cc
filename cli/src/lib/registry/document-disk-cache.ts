import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type BundleDocument, bundleDocumentParser } from '@skills/schemas';

/**
 * Where a registry's bundle documents are kept between runs:
 * `<cacheDir>/documents/<registry-host>[_<path>]/<name>.json`.
 * @example documentsDirOf(paths.cacheDir, 'http://127.0.0.1:4873') // '…/documents/127.0.0.1_4873'
 */
export function documentsDirOf(cacheDir: string, registryUrl: string): string {
  const u = new URL(registryUrl);
  const path = u.pathname.replace(/\/+$/, '');
  const folder = `${u.host}${path}`.replace(/[^a-zA-Z0-9.-]/g, '_');
  return join(cacheDir, 'documents', folder);
}

/** A kept answer: its ETag (documents), when it was last fetched or confirmed, and the answer. */
export interface Kept {
  etag: string;
  /** Milliseconds since the epoch; absent in copies kept before it was recorded (never fresh). */
  fetchedAt: number | undefined;
  document: unknown;
}

/**
 * The kept copy in `file`, or undefined when there is none or it cannot be read. Synchronous: a
 * small local file, read faster than a thread-pool round trip.
 */
export async function readKept(file: string): Promise<Kept | undefined> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      etag?: unknown;
      fetchedAt?: unknown;
      document?: unknown;
    };
    if (typeof data.etag !== 'string') return undefined;
    const fetchedAt = typeof data.fetchedAt === 'number' ? data.fetchedAt : undefined;
    return { etag: data.etag, fetchedAt, document: data.document };
  } catch {
    return undefined;
  }
}

/**
 * Whether a copy fetched at `fetchedAt` may be used without asking the registry: within
 * `maxAgeMs` of `now`, and not from the future (a clock set back makes copies stale, not fresh).
 */
export function isFresh(fetchedAt: number | undefined, now: number, maxAgeMs: number): boolean {
  return fetchedAt !== undefined && now >= fetchedAt && now - fetchedAt < maxAgeMs;
}

/**
 * A kept document checked again like an answer (schema, name); undefined when it fails. Through
 * `bundleDocumentParser`: the schema's answers without building the zod schema in this process.
 */
export function validKept(data: unknown, name: string): BundleDocument | undefined {
  const parsed = bundleDocumentParser.safeParse(data);
  return parsed.success && parsed.data.name === name ? parsed.data : undefined;
}

/** Folders `keep` has made in this process. */
const madeDirs = new Set<string>();

/**
 * Temp file and rename: a reader sees a whole copy or none; no fsync, it is only a cache.
 * Synchronous: a small local file, written faster than three thread-pool round trips, and the
 * document it keeps is not handed on until it is kept.
 */
export async function keep(file: string, kept: Kept): Promise<void> {
  const dir = dirname(file);
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const text = JSON.stringify(kept);
  try {
    if (!madeDirs.has(dir)) mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(tmp, text, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dir, { recursive: true }); // removed since this process made it
      writeFileSync(tmp, text, { flag: 'wx' });
    }
    madeDirs.add(dir);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
