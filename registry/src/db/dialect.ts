import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { StoredVersion } from '../domain/version-document.ts';
import type * as pgTables from './pg/schema.ts';
import type { SearchPage, SearchQuery } from './store.ts';

/**
 * The tables every rule reads and writes, the same in both dialects (`sqlite/schema.ts`,
 * `pg/schema.ts`). Drizzle has no dialect-neutral table or query-builder type, so the shared
 * code is typed with the PostgreSQL ones; `sqlite/tables.ts` proves at compile time that
 * its tables' rows have exactly these shapes, and the store contract runs on both.
 */
export type Tables = Pick<
  typeof pgTables,
  | 'users'
  | 'tokens'
  | 'scopes'
  | 'bundles'
  | 'versions'
  | 'publishedVersions'
  | 'pendingPublishes'
  | 'distTags'
  | 'owners'
  | 'auditLog'
  | 'rateLimits'
  | 'signingKeys'
  | 'npmArtifacts'
  | 'changes'
  | 'searchState'
>;

/**
 * What queries run against: the database, or the transaction a `write`/`transaction` body is
 * handed. Only the query builder is used (select, insert, update, delete, `returning`,
 * `onConflict…`), which both dialects' drizzle builders share; raw SQL stays in the dialect.
 */
export type Q = PgDatabase<PgQueryResultHKT>;

/** What drizzle's `.prepare(name)` returns for a select, as far as the rules use it. */
export interface PreparedRead<Row> {
  execute(values: Record<string, unknown>): Promise<Row[]>;
}

/**
 * The body of a unit of work: every query it makes goes through `q`, never through the
 * dialect's methods (on SQLite a body that did would wait for itself), and it awaits nothing but
 * its queries (on SQLite the connection is the process's own while a transaction is open).
 */
export type Work<T> = (q: Q) => Promise<T>;

/**
 * What differs between SQLite and PostgreSQL below the rules: how a unit of work is isolated,
 * and full-text search. Everything else (`rules/`) is written once over this.
 */
export interface Dialect {
  readonly kind: 'sqlite' | 'postgres';
  readonly tables: Tables;
  /** Statements on their own (each autocommits), never inside another call's open transaction. */
  run<T>(work: Work<T>): Promise<T>;
  /** Several reads that see one committed state. */
  snapshot<T>(work: Work<T>): Promise<T>;
  /** A transaction; rows read with `.for('update')` where `locksRows` stay locked until it ends. */
  transaction<T>(work: Work<T>): Promise<T>;
  /**
   * A transaction holding the store-wide write lock: bundle writes from every process on this
   * database happen one at a time, so the checks inside see a settled world.
   */
  write<T>(work: Work<T>): Promise<T>;
  /**
   * True where a transaction must lock the rows it reads to update them (PostgreSQL); false where
   * a write transaction already holds the whole database (SQLite's BEGIN IMMEDIATE).
   */
  readonly locksRows: boolean;
  /**
   * True where a write's body may also await work outside the database (PostgreSQL: the others
   * wait for its lock on the server). False on SQLite: a body must run its statements without
   * yielding to the event loop, since another connection to the file (another store in this
   * process) waiting for the write lock busy-waits synchronously and would block the very I/O
   * the body awaits.
   */
  readonly awaitsInWrite: boolean;
  /**
   * A hot read of at most one row, prepared once: `build` returns drizzle's prepared query (its
   * `.prepare(name)` names the statement on PostgreSQL; SQLite ignores the name); the function
   * returned runs it with the given placeholder values, as `run` would, and answers the first row.
   */
  prepareGet<Row>(
    build: (db: Q) => PreparedRead<Row>,
  ): (values: Record<string, unknown>) => Promise<Row | undefined>;
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * Worker threads of this process that run `search` (SQLite on a database file); 0 where it runs
   * on the main connection (SQLite `:memory:`, `searchThreads: 0`) or in the database server.
   */
  readonly searchThreads: number;
  /** Inside a write: replaces the search row of bundle `id` (drops it when `doc` is undefined). */
  writeSearchRow(q: Q, row: { id: number; name: string; doc: StoredVersion | undefined }): Promise<void>;
  close(): Promise<void>;
}
