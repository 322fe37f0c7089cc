import type { SearchPage } from '../store.ts';

/** What a search thread is started with (`workerData`): the database file it opens read-only. */
export interface SearchWorkerData {
  path: string;
}

/**
 * A search thread's answer: the page, or the error its query threw, as data (an error does not
 * cross threads with its class): `sqlite` when it was better-sqlite3's `SqliteError`, whose
 * `code` (`SQLITE_BUSY`, …) the main thread gives back.
 */
export type SearchAnswer =
  | { ok: true; page: SearchPage }
  | { ok: false; error: { sqlite: boolean; code?: string; message: string } };
