import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Dialect, Work } from '../dialect.ts';
import { applyPgMigrations } from './migrations.ts';
import * as tables from './schema.ts';
import { pgSearch, writePgSearchRow } from './search.ts';

/** Postgres `SQLSTATE` for a unique violation. */
export const UNIQUE_VIOLATION = '23505';
const DUPLICATE_SCHEMA = '42P06';

/**
 * Connects a pool to `url` (optionally inside `schema`, created if missing, for tests that
 * need an empty database of their own) and brings the schema up to date.
 *
 * Units of work: `run` uses any pooled connection; a transaction holds one; `write` also takes
 * the registry's advisory transaction lock, so bundle writes from every process are serialised
 * the way SQLite serialises its writers; a snapshot is REPEATABLE READ, read only.
 */
export async function openPg(options: { url: string; schema?: string; max?: number }): Promise<Dialect> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`not a schema name: ${options.schema}`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // A connection closed by the server (restart, pg_terminate_backend) emits 'error': on the pool
  // when idle, on the client when checked out between two queries. Unheard, either event ends the
  // process; heard, the next query on it fails (answered 503) and the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
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
  const db = drizzle(pool);
  const search = pgSearch(db);
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    tables,
    locksRows: true,
    awaitsInWrite: true,
    run: (work) => work(db),
    snapshot: (work) => db.transaction(work, { isolationLevel: 'repeatable read', accessMode: 'read only' }),
    transaction: (work) => db.transaction(work),
    write: (work) => writeOn(pool, work),
    prepareGet: (build) => {
      const statement = build(db);
      return async (values) => (await statement.execute(values))[0];
    },
    search,
    searchThreads: 0,
    writeSearchRow: writePgSearchRow,
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * BEGIN and the registry's advisory write lock, sent as one simple-protocol query (it has no
 * parameters, so PostgreSQL takes both statements in one round trip): bundle writes from every
 * process on this schema run one at a time, as SQLite's BEGIN IMMEDIATE makes them.
 */
const WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':skills-registry-writes'))";
const BEGIN_WRITE = `BEGIN; ${WRITE_LOCK}`;

/** One drizzle instance per pooled connection, made on its first write and reused after. */
const onConnection = new WeakMap<pg.PoolClient, NodePgDatabase>();

/**
 * `Dialect.write`: `work` in a transaction on one pooled connection holding the write lock;
 * COMMIT when it answers, ROLLBACK when it throws (or COMMIT fails), as drizzle's `transaction`
 * does. A connection whose ROLLBACK failed is dropped from the pool (pg-pool also drops one that
 * is no longer queryable, e.g. after BEGIN failed on a closed socket).
 */
async function writeOn<T>(pool: pg.Pool, work: Work<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(BEGIN_WRITE);
    try {
      let db = onConnection.get(client);
      if (!db) {
        db = drizzle(client);
        onConnection.set(client, db);
      }
      const out = await work(db);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch((r: Error) => {
        broken = r;
      });
      throw e;
    }
  } finally {
    client.release(broken);
  }
}
