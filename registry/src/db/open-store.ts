import { join, resolve } from 'node:path';
import type { StoreOptions } from './create-store.ts';
import type { SqliteOptions } from './sqlite/connection.ts';
import { createSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * The store a `--database-url` value names: unset → SQLite at `DATA_DIR/registry.db`;
 * `sqlite:PATH` / `file:PATH` / `:memory:` → that SQLite database; `postgres://…` (or
 * `postgresql://…`) → PostgreSQL, migrated on open.
 * @throws Error for any other scheme, or when PostgreSQL cannot be reached.
 */
export async function openStore(
  url: string | undefined,
  dataDir: string,
  options: StoreOptions & SqliteOptions = {},
): Promise<Store> {
  if (!url) return createSqliteStore({ path: join(dataDir, 'registry.db'), ...options });
  if (url === ':memory:') return createSqliteStore({ path: ':memory:', ...options });
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Loaded only here: `pg` and its drizzle dialect cost seconds to import, and SQLite users
    // (admin commands included) never need them.
    const { createPgStore } = await import('./pg/pg-store.ts');
    try {
      return await createPgStore({ url, ...options });
    } catch (e) {
      throw new Error(`cannot open PostgreSQL at ${redact(url)}: ${(e as Error).message}`);
    }
  }
  const m = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(url);
  if (m) return createSqliteStore({ path: resolve(m[1]!), ...options });
  throw new Error(`unsupported database URL (use sqlite:PATH or postgres://…): ${redact(url)}`);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
}
