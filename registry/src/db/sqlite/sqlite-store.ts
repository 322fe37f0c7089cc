import { createStore, type StoreOptions } from '../create-store.ts';
import type { Store } from '../store.ts';
import { openSqlite, type SqliteOptions } from './connection.ts';

/**
 * The SQLite adapter of the metadata store (drizzle over better-sqlite3). `path` is a file, shared
 * safely by any number of processes (WAL, busy timeout, IMMEDIATE write transactions), or
 * `:memory:` for tests. Searches on a file run on a worker thread (`searchThreads`, default 1;
 * 0 keeps them on the main connection).
 * @example const store = createSqliteStore({ path: join(dataDir, 'registry.db') })
 */
export function createSqliteStore(options: { path: string } & StoreOptions & SqliteOptions): Store {
  return createStore(openSqlite(options.path, options), options);
}
