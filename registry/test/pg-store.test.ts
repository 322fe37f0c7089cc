import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { createPgStore } from '../src/db/pg/pg-store.ts';
import * as pgSchema from '../src/db/pg/schema.ts';
import { tsQuery } from '../src/db/pg/search.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';
import { runStoreContract } from './store-contract.ts';

/**
 * The store contract against PostgreSQL, each store in a schema of its own. Runs when
 * DATABASE_URL is a postgres:// URL (CI sets it); skipped, visibly, otherwise.
 */
const url = PG_URL;

describe.skipIf(!url)('PostgreSQL store (needs DATABASE_URL=postgres://…)', () => {
  const newSchema = useTestSchemas();

  runStoreContract(async () => {
    const schema = newSchema();
    return createPgStore({ url: url!, schema, maxConnections: 4 });
  });

  test('the drizzle tables and the migrations agree, column by column', async () => {
    const schema = newSchema();
    const store = await createPgStore({ url: url!, schema });
    await store.close();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    const tables = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));
    for (const table of tables) {
      const config = getTableConfig(table);
      const { rows } = await admin.query<{ column_name: string; is_nullable: string }>(
        'SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, config.name],
      );
      const actual = rows.map((r) => `${r.column_name}${r.is_nullable === 'NO' ? '!' : ''}`).sort();
      const declared = config.columns.map((c) => `${c.name}${c.notNull || c.primary ? '!' : ''}`).sort();
      expect(actual, config.name).toEqual(declared);
    }
    await admin.end();
  });

  test('publish claims live in an unlogged table (their upsert commits without a WAL flush)', async () => {
    const schema = newSchema();
    const store = await createPgStore({ url: url!, schema });
    await store.close();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    const { rows } = await admin.query<{ relname: string; relpersistence: string }>(
      `SELECT c.relname, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname IN ('pending_publishes', 'versions')`,
      [schema],
    );
    await admin.end();
    const persistence = Object.fromEntries(rows.map((r) => [r.relname, r.relpersistence]));
    expect(persistence).toEqual({ pending_publishes: 'u', versions: 'p' });
  });

  test('two stores on one schema: migrations once, writes serialised', async () => {
    const schema = newSchema();
    const [a, b] = await Promise.all([
      createPgStore({ url: url!, schema }),
      createPgStore({ url: url!, schema }),
    ]);
    const at = '2030-01-01T00:00:00.000Z';
    const audit = { actor: 'x', at, ip: null, requestId: null };
    await a.createUser(
      { username: 'alice', passwordHash: null, email: null, admin: false, createdAt: at },
      audit,
    );
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).reservePublish({
          name: 'tool',
          version: '1.0.0',
          actor: { username: 'alice', admin: false },
          nonce: `n${i}`,
          at,
          staleBefore: '2000-01-01T00:00:00.000Z',
        }),
      ),
    );
    expect(claims.filter((c) => 'ok' in c)).toHaveLength(1);
    const buckets = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).takeRateLimit({ key: 'k', capacity: 4, refillMs: 60_000, nowMs: 1 }),
      ),
    );
    expect(buckets.filter((x) => x.allowed)).toHaveLength(4);
    await a.close();
    await b.close();
  });
});

test('tsQuery quotes words and ignores everything else', () => {
  expect(tsQuery({ terms: ['deploy', 'verc'], every: true })).toBe("'deploy' & 'verc':*");
  expect(tsQuery({ terms: ["o'brien", 'x'], every: false })).toBe("'o' | 'brien' | 'x':*");
  expect(tsQuery({ terms: ['&|!', ':*'], every: true })).toBeUndefined();
});
