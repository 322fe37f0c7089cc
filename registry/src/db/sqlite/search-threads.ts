import Database from 'better-sqlite3';
import { createThreadPool, siblingEntry, type ThreadPoolStats } from '../../threads/thread-pool.ts';
import type { SearchPage, SearchQuery } from '../store.ts';
import type { SearchAnswer, SearchWorkerData } from './search-messages.ts';

export interface SearchThreadsOptions {
  /** The database file (never `:memory:`: a thread cannot open another connection's memory). */
  path: string;
  /** Threads, each with its own read-only connection, started on the first search. */
  size: number;
  /** The thread's entry; default `search-worker` next to this module. Tests pass others. */
  entry?: URL;
}

export interface SearchThreads {
  search(query: SearchQuery): Promise<SearchPage>;
  /** Stops the threads; searches waiting or running are rejected. */
  close(): Promise<void>;
  stats(): ThreadPoolStats;
}

/**
 * SQLite searches on worker threads, so scoring thousands of matches (milliseconds each search)
 * never blocks the event loop. Each thread opens its own read-only connection to the same file
 * (WAL: readers never wait for the writer) and runs `sqliteSearch` there. A search posted after
 * a write committed on the main connection reads in a new read transaction, so it sees it.
 * A SQLite error rejects its search as the main thread's call would (a `SqliteError` with the
 * same `code`); a thread that dies rejects the search it was running and is replaced on the next.
 */
export function createSearchThreads(options: SearchThreadsOptions): SearchThreads {
  const pool = createThreadPool<SearchQuery, SearchAnswer>({
    size: options.size,
    entry: options.entry ?? siblingEntry(import.meta.url, 'search-worker'),
    workerData: { path: options.path } satisfies SearchWorkerData,
    name: 'search worker',
    closedError: () => new Error('the database is closed'),
  });
  return {
    async search(query) {
      const answer = await pool.run(query);
      if (answer.ok) return answer.page;
      const { sqlite, code, message } = answer.error;
      throw sqlite ? new Database.SqliteError(message, code ?? 'SQLITE_ERROR') : new Error(message);
    },
    close: () => pool.close(),
    stats: () => pool.stats(),
  };
}
