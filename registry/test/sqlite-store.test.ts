import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, describe, expect, test } from 'vitest';
import { SQLITE_MIGRATIONS } from '../src/db/sqlite/migrations.ts';
import * as schema from '../src/db/sqlite/schema.ts';
import { createSqliteStore } from '../src/db/sqlite/sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';

describe('SQLite store, in memory', () => {
  runStoreContract(async () => createSqliteStore({ path: ':memory:' }));
});

describe('SQLite store, on disk', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  runStoreContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sqlite-contract-'));
    dirs.push(dir);
    return createSqliteStore({ path: join(dir, 'registry.db') });
  });
});

describe('SQLite schema and migrations', () => {
  test('the drizzle tables and the migrations agree, column by column', () => {
    const db = new Database(':memory:');
    for (const m of SQLITE_MIGRATIONS) db.exec(m.sql);
    const tables = (Object.values(schema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable));
    expect(tables.length).toBeGreaterThan(10);
    for (const table of tables) {
      const config = getTableConfig(table);
      if (config.name === 'migrations') continue;
      const actual = (
        db.prepare(`PRAGMA table_info(${config.name})`).all() as { name: string; notnull: number }[]
      )
        .map((c) => `${c.name}${c.notnull ? '!' : ''}`)
        .sort();
      const declared = config.columns.map((c) => `${c.name}${c.notNull && !c.primary ? '!' : ''}`).sort();
      const relaxed = actual.map((c) =>
        config.columns.find((d) => d.name === c.replace('!', ''))?.primary ? c.replace('!', '') : c,
      );
      expect(relaxed, config.name).toEqual(declared);
    }
    db.close();
  });

  test('migrations run once, are recorded, and a second process opening the file applies nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sqlite-migrate-'));
    const path = join(dir, 'registry.db');
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT id FROM migrations').all() as { id: string }[];
    expect(rows.map((r) => r.id)).toEqual(SQLITE_MIGRATIONS.map((m) => m.id));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });
});
