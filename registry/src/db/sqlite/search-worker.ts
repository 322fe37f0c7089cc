import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveJobs } from '../../threads/serve-jobs.ts';
import type { SearchQuery } from '../store.ts';
import { sqliteSearch } from './search.ts';
import type { SearchAnswer, SearchWorkerData } from './search-messages.ts';

// The entry of a search thread (see search-threads.ts): its own read-only connection to the
// database file, answering one search at a time with the same `sqliteSearch` as the main thread.
// Each search is one short read transaction (its count and its page read one snapshot, which a
// write committed on the main connection meanwhile cannot split), so a search sees every write
// committed before it started and holds no snapshot between searches that would keep WAL
// checkpoints from finishing.
const { path } = workerData as SearchWorkerData;
const sqlite = new Database(path, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('query_only = ON');
// 4 MiB of page cache (better-sqlite3's default is 16 MiB per connection): the thread's pages
// are the FTS index's, which the OS page cache holds anyway. Measured on the 100,000-bundle
// corpus under 32 connections of searches, peak RSS 158 MB -> 141-143 MB at the same rate.
sqlite.pragma('cache_size = -4096');
const search = sqlite.transaction(sqliteSearch(sqlite));

serveJobs<SearchQuery, SearchAnswer>((query) => {
  try {
    return { answer: { ok: true, page: search(query) } };
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    if (e instanceof Database.SqliteError)
      return { answer: { ok: false, error: { sqlite: true, code: e.code, message } } };
    return { answer: { ok: false, error: { sqlite: false, message } } };
  }
});
