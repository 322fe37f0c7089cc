import pg from 'pg';

/**
 * PostgreSQL for the benchmarks: the server `DATABASE_URL` names (default the one on these
 * machines), each run in a database of its own that the bench creates and drops, or for the
 * search corpus keeps between runs (a marker in the database's comment says what it holds).
 */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function basePgUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_PG_URL;
}

/** The same server, another database. */
export function pgUrlFor(database: string, base = basePgUrl()): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>, base = basePgUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function checkName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
  return name;
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function pgProblem(): Promise<string | undefined> {
  try {
    await withAdmin((c) => c.query('SELECT 1'));
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${basePgUrl().replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@')} unreachable: ${(e as Error).message}`;
  }
}

export async function createDatabase(name: string, comment?: string): Promise<string> {
  await withAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${checkName(name)}`);
    if (comment !== undefined) await c.query(`COMMENT ON DATABASE ${name} IS ${pg.escapeLiteral(comment)}`);
  });
  return pgUrlFor(name);
}

export async function setDatabaseComment(name: string, comment: string): Promise<void> {
  await withAdmin((c) => c.query(`COMMENT ON DATABASE ${checkName(name)} IS ${pg.escapeLiteral(comment)}`));
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${checkName(name)} WITH (FORCE)`));
}

/** The comment of database `name`, null when it has none, undefined when it does not exist. */
export async function databaseComment(name: string): Promise<string | null | undefined> {
  return withAdmin(async (c) => {
    const r = await c.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [checkName(name)],
    );
    return r.rows.length === 0 ? undefined : r.rows[0]!.comment;
  });
}

/** A fresh database name for one run: `PREFIX_PID_TIME`. */
export function runDatabaseName(prefix: string): string {
  return checkName(`${prefix}_${process.pid}_${Date.now().toString(36)}`);
}

/**
 * Runs `fn` holding a session advisory lock named `name` on the server, so two benchmark runs
 * never seed (drop, create, fill) the kept search database at once.
 */
export async function withPgLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: basePgUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    return await fn();
  } finally {
    await client.end();
  }
}
