import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { applyPgMigrations } from './migrations.ts';
import * as schema from './schema.ts';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction: what the write helpers run in. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database or a transaction. */
export type Q = Db | Tx;

export interface PgConnection {
  pool: pg.Pool;
  db: Db;
}

/** Postgres `SQLSTATE` for a unique violation. */
export const UNIQUE_VIOLATION = '23505';
const DUPLICATE_SCHEMA = '42P06';

/**
 * Connects a pool to `url` (optionally inside `schema`, created if missing, for tests that
 * need an empty database of their own) and brings the schema up to date.
 */
export async function openPg(options: { url: string; schema?: string; max?: number }): Promise<PgConnection> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`not a schema name: ${options.schema}`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  try {
    if (options.schema) {
      // Two processes creating one schema at once race inside PostgreSQL even with IF NOT EXISTS.
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`).catch((e: { code?: string }) => {
        if (e.code !== UNIQUE_VIOLATION && e.code !== DUPLICATE_SCHEMA) throw e;
      });
    }
    await applyPgMigrations(pool, () => new Date().toISOString());
  } catch (e) {
    await pool.end();
    throw e;
  }
  return { pool, db: drizzle(pool, { schema }) };
}

/**
 * Runs `fn` in a transaction that holds the registry's write lock, so bundle writes from every
 * process are serialised the way SQLite serialises its writers: checks inside see a settled world.
 */
export function withWriteLock<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':skills-registry-writes'))`,
    );
    return fn(tx);
  });
}
