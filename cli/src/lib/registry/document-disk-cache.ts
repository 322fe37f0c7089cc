import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BundleDocument, bundleDocumentSchema } from '@skills/schemas';
import type { RegistryClient } from './client.ts';
import { validateName } from './documents.ts';

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

/**
 * A bundle document by conditional GET: the copy kept on disk is sent as `If-None-Match` and
 * used when the registry answers 304; a 200 replaces it. The kept copy is validated again
 * like an answer (schema, name), and anything unreadable is simply not used. Writing the copy
 * is best effort and never fails the request.
 * @example const doc = await getBundleRevalidated(client, documentsDirOf(cacheDir, client.url), 'deploy')
 */
export async function getBundleRevalidated(
  client: RegistryClient,
  dir: string,
  name: string,
): Promise<BundleDocument> {
  const file = join(dir, `${validateName(name)}.json`);
  const kept = await readKept(file);
  const pending = client.getBundleCached(name, { etag: kept?.etag });
  // Validated while the request is in flight.
  const document = kept ? validKept(kept.document, name) : undefined;
  let got = await pending;
  if (got === 'not-modified') {
    if (document) return document;
    got = await client.getBundleCached(name, {}); // the kept copy is unusable: ask for the whole document
    if (got === 'not-modified') throw new Error('unexpected 304 without If-None-Match');
  }
  if (got.etag) await keep(file, { etag: got.etag, document: got.document }).catch(() => {});
  return got.document;
}

interface Kept {
  etag: string;
  document: unknown;
}

async function readKept(file: string): Promise<Kept | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { etag?: unknown; document?: unknown };
    if (typeof data.etag !== 'string' || data.etag.length === 0) return undefined;
    return { etag: data.etag, document: data.document };
  } catch {
    return undefined;
  }
}

function validKept(data: unknown, name: string): BundleDocument | undefined {
  const parsed = bundleDocumentSchema.safeParse(data);
  return parsed.success && parsed.data.name === name ? parsed.data : undefined;
}

/** Temp file and rename: a reader sees a whole copy or none; no fsync, it is only a cache. */
async function keep(file: string, kept: Kept): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(kept), { flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
