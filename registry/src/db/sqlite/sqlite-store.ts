import type { Store } from '../store.ts';
import { sqliteBundleReads } from './bundles-read.ts';
import { openSqlite } from './connection.ts';
import { sqliteCounters } from './counters.ts';
import { sqliteLifecycle } from './lifecycle.ts';
import { sqliteNpmArtifacts } from './npm-artifacts.ts';
import { sqliteOwnerReads } from './owners-read.ts';
import { sqlitePublish } from './publish.ts';
import { sqliteSearch } from './search.ts';
import { sqliteUsers } from './users.ts';

/**
 * The SQLite adapter of the metadata store (drizzle over better-sqlite3). `path` is a file, shared
 * safely by any number of processes (WAL, busy timeout, IMMEDIATE write transactions), or
 * `:memory:` for tests.
 * @example const store = createSqliteStore({ path: join(dataDir, 'registry.db') })
 */
export function createSqliteStore(options: { path: string }): Store {
  const { sqlite, db } = openSqlite(options.path);
  return {
    kind: 'sqlite',
    ...sqliteUsers(db),
    ...sqliteBundleReads(db),
    ...sqliteOwnerReads(db),
    ...sqlitePublish(db),
    ...sqliteLifecycle(db),
    ...sqliteSearch(sqlite),
    ...sqliteCounters(db),
    ...sqliteNpmArtifacts(db),
    async close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
