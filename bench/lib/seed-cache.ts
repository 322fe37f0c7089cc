import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import {
  createDatabase,
  databaseComment,
  dropDatabase,
  pgUrlFor,
  setDatabaseComment,
  withPgLock,
} from './pg.ts';
import { seedSearchCorpus } from './seed.ts';
import { seedPgCorpus } from './seed-pg.ts';

export interface Seeded {
  seconds: number;
  cached: boolean;
}

const progress = (n: number) => console.error(`  seeded ${n.toLocaleString('en-US')} bundles`);

/**
 * A data dir holding `count` seeded bundles, copied from `.bench/seed/` when an earlier run left
 * one built by the same store code and seeder (seeding 100,000 takes minutes); seeded anew and
 * kept there otherwise. `reseed` ignores the cache.
 */
export async function seededDataDir(
  target: string,
  count: number,
  opts: { reseed?: boolean } = {},
): Promise<Seeded> {
  const key = await seedKey('sqlite', count);
  const cacheDir = join(REPO_ROOT, '.bench', 'seed', `search-${count}-${key}`);
  await mkdir(target, { recursive: true });
  const start = performance.now();
  let cached = true;
  if (opts.reseed || !existsSync(join(cacheDir, 'registry.db'))) {
    cached = false;
    const building = `${cacheDir}.tmp-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(building, { recursive: true });
    await seedSearchCorpus(`sqlite:${join(building, 'registry.db')}`, count, progress);
    await rm(cacheDir, { recursive: true, force: true });
    await rename(building, cacheDir);
  }
  // The store closed cleanly, so registry.db holds everything (no -wal to copy).
  await copyFile(join(cacheDir, 'registry.db'), join(target, 'registry.db'));
  return { seconds: (performance.now() - start) / 1000, cached };
}

/** The database kept between runs for the PostgreSQL search corpus. */
export const PG_SEARCH_DATABASE = 'skills_bench_search';

/**
 * The URL of a PostgreSQL database holding `count` seeded bundles: `skills_bench_search`, kept
 * between runs; its comment (`search-COUNT-KEY`, keyed like the SQLite cache) says what it holds.
 * Checked and seeded under an advisory lock, so concurrent runs do not seed it twice at once.
 * Seeded anew (dropped, created, filled, then marked) when the marker differs or `reseed`; a
 * half-seeded database has no marker, so the next run starts over. The searches of the benchmark
 * only read it, apart from rate-limit rows and download counts.
 */
export async function seededPgDatabase(
  count: number,
  opts: { reseed?: boolean } = {},
): Promise<Seeded & { url: string }> {
  const marker = `search-${count}-${await seedKey('pg', count)}`;
  const url = pgUrlFor(PG_SEARCH_DATABASE);
  const start = performance.now();
  return withPgLock(PG_SEARCH_DATABASE, async () => {
    if (!opts.reseed && (await databaseComment(PG_SEARCH_DATABASE)) === marker) {
      return { url, seconds: (performance.now() - start) / 1000, cached: true };
    }
    await dropDatabase(PG_SEARCH_DATABASE);
    await createDatabase(PG_SEARCH_DATABASE);
    // In bulk: through the store port one bundle is two transactions of ~15 round trips.
    await seedPgCorpus(url, count, progress);
    await setDatabaseComment(PG_SEARCH_DATABASE, marker);
    return { url, seconds: (performance.now() - start) / 1000, cached: false };
  });
}

/** The files that decide what a seeded database holds: the dialect's schema and the publish write path. */
const STORE_FILES = {
  sqlite: ['sqlite/migrations.js', 'sqlite/schema.js'],
  pg: ['pg/migrations.js', 'pg/schema.js'],
} as const;
const RULE_FILES = ['rules/publish.js', 'rules/sync-bundle.js'];

/** Hash of the store code that wrote the database and of the seeder: a change to either reseeds. */
async function seedKey(dialect: keyof typeof STORE_FILES, count: number): Promise<string> {
  const h = createHash('sha256').update(String(count));
  const dbDir = join(REPO_ROOT, 'registry', 'dist', 'db');
  for (const f of [...STORE_FILES[dialect], ...RULE_FILES]) {
    const path = join(dbDir, f);
    h.update(f).update(existsSync(path) ? await readFile(path) : '');
  }
  const seeders = dialect === 'pg' ? ['seed.ts', 'seed-pg.ts', 'bundles.ts'] : ['seed.ts', 'bundles.ts'];
  for (const f of seeders) h.update(await readFile(join(REPO_ROOT, 'bench', 'lib', f)));
  return h.digest('hex').slice(0, 12);
}
