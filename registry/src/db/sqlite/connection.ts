import type { RunResult } from 'better-sqlite3';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { applySqliteMigrations } from './migrations.ts';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema>;
/** A database or a transaction: what query helpers run against. */
export type Q = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export interface SqliteConnection {
  sqlite: Database.Database;
  db: Db;
}

/**
 * Opens (creating if needed) a SQLite database file, or `:memory:`, in WAL mode with a busy
 * timeout so several processes can share it, and brings its schema up to date.
 */
export function openSqlite(path: string): SqliteConnection {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  applySqliteMigrations(sqlite, () => new Date().toISOString());
  return { sqlite, db: drizzle(sqlite, { schema }) };
}
