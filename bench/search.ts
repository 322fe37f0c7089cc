/**
 * Search over a large corpus, in process, per query kind, on SQLite and (with --database-url)
 * PostgreSQL, with the search cache off (every request reaches the database) and on.
 *
 *   npx tsx bench/search.ts [--bundles 100000] [--rounds 30] [--database-url postgres://…/search_bench]
 *                           [--data-dir DIR] [--reseed] [--sqlite-only] [--pg-only] [--event-loop]
 *
 * `--event-loop` (SQLite only): instead of latency, what uncached searches cost the event loop,
 * with searches on the main connection and on a search thread: every query in turn,
 * main-thread busy time per search and the longest delay (`lib/search-blocking.ts`).
 *
 * SQLite: the cached corpus of `.bench/seed/` (seeded through the store port on first use), or
 * the `registry.db` in `--data-dir` as it is, copied to a temp dir. PostgreSQL: the database
 * named by the URL, seeded in bulk by `lib/seed-pg.ts` when empty (give it a database of its own:
 * `createdb search_bench`, and `dropdb search_bench` after).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, openStore, type Store } from '@skills/registry';
import { numberFlag, parseBenchArgs } from './lib/args.ts';
import { machineLine } from './lib/machine.ts';
import { searchBlocking } from './lib/search-blocking.ts';
import { type KindLatency, searchLatencyByKind } from './lib/search-latency.ts';
import { searchQueries } from './lib/seed.ts';
import { seededDataDir } from './lib/seed-cache.ts';
import { seedPgCorpus } from './lib/seed-pg.ts';
import { fmtMs } from './lib/stats.ts';

const flags = parseBenchArgs(
  ['bundles', 'rounds', 'database-url', 'data-dir'],
  ['reseed', 'sqlite-only', 'pg-only', 'event-loop'],
);
if (flags.help) {
  console.log(
    'usage: npx tsx bench/search.ts [--bundles N] [--rounds N] [--database-url URL] [--data-dir DIR] [--reseed] [--sqlite-only] [--pg-only] [--event-loop]',
  );
  process.exit(0);
}
const BUNDLES = numberFlag(flags, 'bundles', 100_000);
const ROUNDS = numberFlag(flags, 'rounds', 30);
const pgUrl = typeof flags['database-url'] === 'string' ? flags['database-url'] : undefined;
const queries = searchQueries();

async function measureBlocking(path: string) {
  console.log(
    `\nuncached searches one at a time, each in its own turn, ${queries.length} queries × ${ROUNDS} (${machineLine()})`,
  );
  console.log(
    '| searches run | main-thread busy per search | longest stall (1 ms timer) | p99 stall | wall |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const searchThreads of [0, 1]) {
    const store = createSqliteStore({ path, searchCache: false, searchThreads });
    try {
      const b = await searchBlocking(
        store,
        queries.map((q) => q.path),
        ROUNDS,
      );
      const where = searchThreads ? 'on a search thread' : 'on the main connection';
      console.log(
        `| ${where} | ${fmtMs(b.busyMsPerSearch)} | ${fmtMs(b.maxStallMs)} | ${fmtMs(b.p99StallMs)} | ${fmtMs(b.wallMs)} |`,
      );
    } finally {
      await store.close();
    }
  }
}

async function measure(label: string, open: (cache: boolean) => Promise<Store>) {
  for (const cache of [false, true]) {
    const store = await open(cache);
    try {
      const rows = await searchLatencyByKind(store, queries, { rounds: ROUNDS });
      report(`${label}, cache ${cache ? 'on' : 'off'}`, rows);
    } finally {
      await store.close();
    }
  }
}

function report(title: string, rows: KindLatency[]) {
  console.log(`\n${title} (${machineLine()})`);
  console.log('| kind | p50 | p95 | requests | totals |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.kind} | ${fmtMs(r.p50)} | ${fmtMs(r.p95)} | ${r.count} | ${r.totals.join(', ')} |`);
  }
  const worst = rows.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  console.log(
    `worst p95: ${worst.kind} ${fmtMs(worst.p95)} → ${worst.p95 <= 5 ? 'PASS' : 'FAIL'} (target ≤ 5 ms)`,
  );
}

console.log(
  `search bench, ${BUNDLES.toLocaleString('en-US')} bundles, ${ROUNDS} rounds per kind; start: ${machineLine()}`,
);
if (!flags['pg-only']) {
  const dir = await mkdtemp(join(tmpdir(), 'skills-bench-search-'));
  try {
    if (typeof flags['data-dir'] === 'string') {
      await copyFile(join(flags['data-dir'], 'registry.db'), join(dir, 'registry.db'));
    } else {
      await seededDataDir(dir, BUNDLES, { reseed: flags.reseed === true });
    }
    const path = join(dir, 'registry.db');
    if (flags['event-loop']) await measureBlocking(path);
    else
      await measure('SQLite', async (cache) =>
        createSqliteStore({ path, ...(cache ? {} : { searchCache: false }) }),
      );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
if (pgUrl && !flags['sqlite-only']) {
  await seedPgCorpus(pgUrl, BUNDLES, (n) => console.error(`  seeded ${n.toLocaleString('en-US')} bundles`));
  await measure('PostgreSQL', async (cache) =>
    openStore(pgUrl, tmpdir(), cache ? {} : { searchCache: false }),
  );
}
console.log(`\nend: ${machineLine()}`);
