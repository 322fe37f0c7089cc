import type { BundleChange, ChangeBatch, Store } from './db/store.ts';

/**
 * Bundle documents, serialised, kept in this process's memory so a GET (and a 304) reads
 * nothing from the store. Kept current two ways:
 * - writes made through this process's store object drop (or, for downloads, update) the entry
 *   as soon as they settle (`Store.onBundleChange`);
 * - other processes' writes are learnt from the store-wide change counter (`Store.changesSince`),
 *   polled every `pollMs` off the request path: a change made elsewhere is served at most one
 *   poll interval (plus the poll's own time) later. Download counts arrive the same way.
 * A document read from the store while a change was being applied is served but not kept, so an
 * entry is never older than the changes already applied (see `generation`).
 */
export interface DocumentCache {
  /** The entry for `name`, when it is cached. */
  get(name: string): CachedDocument | undefined;
  /** Bumped whenever a change is applied; take it before reading a document to `put` it. */
  readonly generation: number;
  /**
   * Keeps a document read from the store, unless a change was applied since `generation` was
   * taken (it may predate that change).
   */
  put(
    generation: number,
    name: string,
    doc: { origin: string; revision: number; downloads: number; json: string },
  ): void;
  /** Reads what changed in the store since the last poll and applies it. One poll at a time. */
  poll(): Promise<void>;
  /** Stops the timer and the store subscription. */
  stop(): void;
}

export interface CachedDocument {
  /** The public URL the document's tarball URLs were built on. */
  origin: string;
  revision: number;
  downloads: number;
  /** `"REVISION-DOWNLOADS"`. */
  etag: string;
  /** The document as sent: `json` with `"downloads"` appended. */
  body: string;
  /** The serialised document without `downloads`. */
  json: string;
}

/** Most bundle documents kept (the longest kept go first). */
const MAX_ENTRIES = 2000;

/** How often a server polls the change counter by default (docs/operating.md). */
export const DEFAULT_CHANGE_POLL_MS = 500;

/**
 * @param options.pollMs poll the store every this many ms; unset: never on a timer (`poll()` by
 * hand, or a single process whose writes all go through `store`).
 * @example const docs = createDocumentCache({ store, pollMs: 500 }); await docs.poll();
 */
export function createDocumentCache(options: {
  store: Pick<Store, 'changesSince' | 'onBundleChange'>;
  pollMs?: number;
  maxEntries?: number;
  onError?: (error: unknown) => void;
}): DocumentCache {
  const { store } = options;
  const max = options.maxEntries ?? MAX_ENTRIES;
  const entries = new Map<string, CachedDocument>();
  let generation = 0;
  /** The counter value applied so far; undefined until the first poll. */
  let seen: number | undefined;
  let polling: Promise<void> | undefined;

  const setDownloads = (entry: CachedDocument, downloads: number) => {
    if (downloads <= entry.downloads) return; // counts only grow; an older answer changes nothing
    entry.downloads = downloads;
    entry.etag = etagOf(entry.revision, downloads);
    entry.body = withDownloads(entry.json, downloads);
  };
  const unsubscribe = store.onBundleChange((change: BundleChange) => {
    generation++;
    const entry = entries.get(change.name);
    if (!entry) return;
    if (change.downloads === undefined) entries.delete(change.name);
    else setDownloads(entry, change.downloads);
  });
  const apply = (batch: ChangeBatch) => {
    if (seen === undefined) {
      // Changes made before the first poll cannot be told apart: start afresh.
      entries.clear();
      generation++;
    } else if (batch.bundles.length > 0) {
      generation++;
      for (const row of batch.bundles) {
        const entry = entries.get(row.name);
        if (!entry) continue;
        if (row.revision > entry.revision) entries.delete(row.name);
        else if (row.revision === entry.revision) setDownloads(entry, row.downloads);
      }
    }
    seen = batch.seq;
  };
  const poll = () => {
    polling ??= store
      .changesSince(seen)
      .then(apply)
      .catch((e: unknown) => options.onError?.(e))
      .finally(() => {
        polling = undefined;
      });
    return polling;
  };
  const timer = options.pollMs === undefined ? undefined : setInterval(() => void poll(), options.pollMs);
  timer?.unref();

  return {
    get(name) {
      return entries.get(name);
    },
    get generation() {
      return generation;
    },
    put(taken, name, doc) {
      if (taken !== generation) return;
      entries.delete(name);
      entries.set(name, {
        ...doc,
        etag: etagOf(doc.revision, doc.downloads),
        body: withDownloads(doc.json, doc.downloads),
      });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    poll,
    stop() {
      if (timer) clearInterval(timer);
      unsubscribe();
    },
  };
}

export function etagOf(revision: number, downloads: number): string {
  return `"${revision}-${downloads}"`;
}

/** Appends `"downloads": n` to a serialised object (the cached text leaves it out). */
export function withDownloads(json: string, downloads: number): string {
  return `${json.slice(0, -1)},"downloads":${downloads}}`;
}
