import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Dialect, PreparedRead, Q, Work } from '../dialect.ts';
import type { SearchPage, SearchQuery } from '../store.ts';
import { createGate } from './gate.ts';
import { applySqliteMigrations } from './migrations.ts';
import { sqliteSearch, sqliteSearchRows } from './search.ts';
import { createSearchThreads, type SearchThreads } from './search-threads.ts';
import { sqliteTables } from './tables.ts';

export interface SqliteOptions {
  /**
   * Worker threads that run searches on a database file (`search-threads.ts`), each with its own
   * read-only connection; 0 runs them on the main connection, as `:memory:` (and `""`, a private
   * temporary database) always does.
   * Default `DEFAULT_SEARCH_THREADS`.
   */
  searchThreads?: number;
  /** The search thread's entry module; tests pass others. */
  searchEntry?: URL;
}

/**
 * One search thread: a search is one core's work for a few milliseconds, and the point is to
 * keep it off the event loop's core, not to search faster than one core can (on the 2-core
 * machines it is sized for, a second thread would compete with the event loop).
 */
export const DEFAULT_SEARCH_THREADS = 1;

/** A SQLite `Dialect`, and where its searches ran (for tests). */
export interface SqliteDialect extends Dialect {
  searchStats(): { inThread: number; threads: ReturnType<SearchThreads['stats']> | undefined };
}

/**
 * Opens (creating if needed) a SQLite database file, or `:memory:`, in WAL mode with a busy
 * timeout so several processes can share it, and brings its schema up to date.
 *
 * One connection serves the process. better-sqlite3 refuses an async transaction body, so a
 * transaction is BEGIN / the awaited body / COMMIT (ROLLBACK on any error) issued as statements,
 * with the connection held exclusively meanwhile (`gate.ts`). Writes BEGIN IMMEDIATE: the write
 * lock is taken up front, so two processes never both read, then both try to write.
 *
 * Searches on a file run on worker threads (`searchThreads`), started on the first search; the
 * main connection then never runs one.
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteDialect {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  applySqliteMigrations(sqlite, () => new Date().toISOString());
  reuseStatements(sqlite);
  // The one place the SQLite database is typed as the shared query surface (see `Tables`).
  const db = drizzle(sqlite) as unknown as Q;
  const gate = createGate();
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const inTransaction = (beginSql: string) => {
    const begin = sqlite.prepare(beginSql);
    return <T>(work: Work<T>): Promise<T> =>
      gate.exclusive(async () => {
        begin.run();
        try {
          const out = await work(db);
          commit.run();
          return out;
        } catch (e) {
          // Some errors (SQLITE_FULL, an interrupted statement) end the transaction themselves.
          if (sqlite.inTransaction) rollback.run();
          throw e;
        }
      });
  };
  const write = inTransaction('BEGIN IMMEDIATE');
  /**
   * Drizzle's SQLite prepared query answers synchronously through get(). Nothing else can run
   * during a synchronous read, so while no transaction is open it needs no turn at the gate (the
   * hot paths: bundle heads, token lookups) and skips drizzle's promise wrapper.
   */
  function prepareGet<Row>(build: (q: Q) => PreparedRead<Row>) {
    const statement = build(db) as unknown as { get(values: Record<string, unknown>): Row | undefined };
    return (values: Record<string, unknown>): Promise<Row | undefined> =>
      gate.exclusiveHeld
        ? gate.shared(async () => statement.get(values))
        : new Promise((resolve) => resolve(statement.get(values)));
  }
  const threadCount = options.searchThreads ?? DEFAULT_SEARCH_THREADS;
  const threads =
    path !== ':memory:' && path !== '' && threadCount > 0
      ? createSearchThreads({
          path,
          size: threadCount,
          ...(options.searchEntry ? { entry: options.searchEntry } : {}),
        })
      : undefined;
  let inThread = 0;
  let searchHere: ((query: SearchQuery) => SearchPage) | undefined;
  const search = threads
    ? (query: SearchQuery) => threads.search(query)
    : (query: SearchQuery) =>
        gate.shared(async () => {
          searchHere ??= sqliteSearch(sqlite);
          inThread++;
          return searchHere(query);
        });
  const writeSearchRow = sqliteSearchRows(sqlite);
  return {
    kind: 'sqlite',
    tables: sqliteTables,
    locksRows: false,
    awaitsInWrite: false,
    run: (work) => gate.shared(() => work(db)),
    snapshot: inTransaction('BEGIN'),
    transaction: write,
    write,
    prepareGet,
    search,
    searchThreads: threads?.stats().size ?? 0,
    writeSearchRow: async (_q, row) => writeSearchRow(row),
    async close() {
      await threads?.close();
      await gate.exclusive(async () => {
        if (sqlite.open) sqlite.close();
      });
    },
    searchStats: () => ({ inThread, threads: threads?.stats() }),
  };
}

/** Distinct SQL texts kept prepared; past it the cache starts over (texts with IN lists vary). */
const STATEMENTS_KEPT = 500;

/**
 * Makes `prepare` answer the statement already prepared for the same SQL text. Drizzle prepares
 * every query it runs anew; a publish runs some 30 statements, and compiling each was a visible
 * share of its CPU. Safe because drizzle runs one SQL text the same way every time (the same
 * `raw()` mode for the same selected fields), nothing here iterates a statement, and a statement
 * runs to completion before the next starts (better-sqlite3 is synchronous).
 */
function reuseStatements(sqlite: Database.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (statements.size >= STATEMENTS_KEPT) statements.clear();
      statements.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}
