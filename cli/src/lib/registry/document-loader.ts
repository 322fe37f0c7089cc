import { join } from 'node:path';
import {
  type BundleDocument,
  type BundleDocumentsEntry,
  MAX_DOCUMENTS_PER_REQUEST,
  type SearchResponse,
  searchResponseParser,
} from '@skills/schemas';
import { mapLimit } from '../parallel.ts';
import type { RegistryClient } from './client.ts';
import { isFresh, type Kept, keep, readKept, validKept } from './document-disk-cache.ts';
import { validateName } from './documents.ts';

/**
 * How long a kept answer (bundle document, look-alike search) is used without asking the
 * registry: one minute, like a short `prefer-offline`. Long enough that the commands of one
 * sitting or one script (install a, install b, ci) ask once; short enough that a publish or yank
 * reaches the next install a minute later. Integrity and signatures are checked either way.
 */
export const DEFAULT_DOCUMENT_MAX_AGE_MS = 60_000;

/** Plain GETs at once, against a registry without the many-documents endpoint. */
const SINGLE_FETCHES = 16;

/** Bundle documents and look-alike searches of one registry, kept on disk between runs. */
export interface DocumentLoader {
  /** The bundle document; calls made in the same turn of the event loop share one request. */
  get(name: string): Promise<BundleDocument>;
  /**
   * `search({q, limit: 10})` for the look-alike check: kept like a document when `q` is a bundle
   * name, and never retried (a 429 from the registry's search limit fails at once, finding nothing,
   * rather than holding the install for its Retry-After).
   */
  search(q: string): Promise<SearchResponse>;
}

interface Pending {
  name: string;
  file: string;
  kept: Kept | undefined;
  resolve(doc: BundleDocument): void;
  reject(err: unknown): void;
}

/**
 * A DocumentLoader over `client` keeping answers in `dir` (documentsDirOf). A kept document
 * fetched or confirmed less than `maxAgeMs` ago (`now`) is used as it is (0: always ask). The
 * others asked for in one turn go out together: one `POST /v1/bundles/-/documents` per 100,
 * each with the kept ETag (a 304 entry keeps the copy and renews its age); against a registry
 * without that endpoint (404/405), one conditional GET each, 16 at a time. Kept copies are
 * checked again like answers (schema, name); an unreadable one is not used. Writing is best
 * effort and never fails a request. Throws the client's errors (NOT_FOUND with its hint).
 * @example const docs = createDocumentLoader({ client, dir: documentsDirOf(cacheDir, client.url) })
 */
export function createDocumentLoader(opts: {
  client: RegistryClient;
  dir: string;
  maxAgeMs?: number;
  now?: () => number;
}): DocumentLoader {
  const { client, dir } = opts;
  const now = opts.now ?? Date.now;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_DOCUMENT_MAX_AGE_MS;
  let manyAtOnce = true;
  let group: Pending[] | undefined;

  const remember = (p: Pending, etag: string, document: BundleDocument) =>
    keep(p.file, { etag, fetchedAt: now(), document }).catch(() => {});

  /** One plain conditional GET: what a registry without the batch endpoint gets. */
  const single = async (p: Pending): Promise<BundleDocument> => {
    let got = await client.getBundleCached(p.name, { etag: p.kept?.etag });
    if (got === 'not-modified') {
      const doc = p.kept && validKept(p.kept.document, p.name);
      if (doc) {
        await remember(p, p.kept!.etag, doc);
        return doc;
      }
      got = await client.getBundleCached(p.name, {}); // the kept copy is unusable: ask for the whole document
      if (got === 'not-modified') throw new Error('unexpected 304 without If-None-Match');
    }
    if (got.etag) await remember(p, got.etag, got.document);
    return got.document;
  };

  const fromEntry = async (p: Pending, entry: BundleDocumentsEntry): Promise<BundleDocument> => {
    if (entry.status === 200) {
      await remember(p, entry.etag, entry.document);
      return entry.document;
    }
    if (entry.status === 304 && p.kept) {
      const doc = validKept(p.kept.document, p.name);
      if (doc) {
        await remember(p, entry.etag, doc);
        return doc;
      }
    }
    // A 404 (asked again for the error and its "did you mean"), or a 304 for an unusable copy.
    return single({ ...p, kept: undefined });
  };

  const fetchChunk = async (chunk: Pending[]): Promise<void> => {
    if (manyAtOnce) {
      const etags: Record<string, string> = {};
      for (const p of chunk) if (p.kept) etags[p.name] = p.kept.etag;
      const answer = await client.getBundles(
        chunk.map((p) => p.name),
        etags,
      );
      if (answer !== 'unsupported') {
        await Promise.all(chunk.map((p) => fromEntry(p, answer[p.name]!).then(p.resolve, p.reject)));
        return;
      }
      manyAtOnce = false;
    }
    await mapLimit(chunk, SINGLE_FETCHES, (p) => single(p).then(p.resolve, p.reject));
  };

  const settle = async (pending: Pending[]): Promise<void> => {
    const kept = await Promise.all(pending.map((p) => readKept(p.file)));
    const at = now();
    const stale: Pending[] = [];
    pending.forEach((p, i) => {
      const k = kept[i];
      const fresh = k && isFresh(k.fetchedAt, at, maxAgeMs) ? validKept(k.document, p.name) : undefined;
      if (fresh) p.resolve(fresh);
      else stale.push({ ...p, kept: k });
    });
    const chunks: Pending[][] = [];
    for (let i = 0; i < stale.length; i += MAX_DOCUMENTS_PER_REQUEST)
      chunks.push(stale.slice(i, i + MAX_DOCUMENTS_PER_REQUEST));
    await Promise.all(
      chunks.map((chunk) =>
        fetchChunk(chunk).catch((err) => {
          for (const p of chunk) p.reject(err);
        }),
      ),
    );
  };

  return {
    get(name) {
      return new Promise<BundleDocument>((resolve, reject) => {
        const file = join(dir, `${validateName(name)}.json`);
        if (!group) {
          const mine: Pending[] = [];
          group = mine;
          setImmediate(() => {
            group = undefined;
            settle(mine).catch((err) => {
              for (const p of mine) p.reject(err);
            });
          });
        }
        group.push({ name, file, kept: undefined, resolve, reject });
      });
    },
    async search(q) {
      let file: string | undefined;
      try {
        file = join(dir, '-search', `${validateName(q)}.json`);
      } catch {
        return client.search({ q, limit: 10 }, { retries: 0 });
      }
      const k = await readKept(file);
      if (k && isFresh(k.fetchedAt, now(), maxAgeMs)) {
        const parsed = searchResponseParser.safeParse(k.document);
        if (parsed.success) return parsed.data;
      }
      const answer = await client.search({ q, limit: 10 }, { retries: 0 });
      await keep(file, { etag: '', fetchedAt: now(), document: answer }).catch(() => {});
      return answer;
    },
  };
}
