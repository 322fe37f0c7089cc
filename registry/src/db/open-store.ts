import { join, resolve } from 'node:path';
import { createSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * The store a `--database-url` value names: unset → SQLite at `DATA_DIR/registry.db`;
 * `sqlite:PATH` / `file:PATH` / `:memory:` → that SQLite database; `postgres://…` → refused
 * until the PostgreSQL adapter exists.
 */
export function openStore(url: string | undefined, dataDir: string): Store {
  if (!url) return createSqliteStore({ path: join(dataDir, 'registry.db') });
  if (url === ':memory:') return createSqliteStore({ path: ':memory:' });
  if (/^postgres(ql)?:/.test(url)) {
    throw new Error(
      'PostgreSQL support is not built yet: leave DATABASE_URL unset to use SQLite in the data dir',
    );
  }
  const m = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (m) return createSqliteStore({ path: resolve(m[1]!) });
  throw new Error(
    `unsupported database URL (use sqlite:PATH or postgres://…): ${url.replace(/\/\/[^@/]*@/, '//…@')}`,
  );
}
