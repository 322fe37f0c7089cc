import { join } from 'node:path';
import { describeBundle, prng } from './bundles.ts';
import { startOurRegistry } from './our-registry.ts';
import { pgProblem } from './pg.ts';
import { pinProcess, type ServerProcess } from './proc.ts';
import { type Layout, maxOf, measureOnce, type Sample, summarize, type Target } from './rounds.ts';
import { type Row, row } from './rows.ts';
import { searchQueries } from './seed.ts';
import { seededDataDir, seededPgDatabase } from './seed-cache.ts';
import { fmtNum, fmtRatio, printTable } from './stats.ts';
import { failureText, fmtUs, runWrk, type WrkResult } from './wrk.ts';

/**
 * The search rows of issue #11, over a seeded corpus (`seed.ts`), on SQLite and on PostgreSQL:
 * - one client (wrk `-t1 -c1`, requests one after another), each query kind on its own: p95 ≤ 5 ms;
 * - `connections` clients over the mix of every kind: ≥ 2,000 req/s with p99 ≤ 50 ms;
 * - document GETs (wrk `-t1 -c16`) alone, then with searches (a second wrk, `-t1 -c16`) running at
 *   once: the document p99 must stay within the document GET goal (≤ 5 ms).
 * The registry is the real `serve`, with `--search-limit` high (each search still goes through the
 * rate limiter, which leases tokens from the database, as in production) or `--no-rate-limit` with
 * `noLimit`.
 * This module is the seam for search: the entry points call `searchRows` and print its rows.
 */

export interface SearchRowsOptions {
  runDir: string;
  bundles: number;
  reseed: boolean;
  /** Seconds per measured wrk run of the loaded scenarios, and rounds of them (medians). */
  durationSec: number;
  rounds: number;
  warmupSec: number;
  /** Seconds of one-client load per query kind. */
  kindSec: number;
  connections: number;
  /** Skip PostgreSQL. */
  noPg: boolean;
  /** `--no-rate-limit` instead of a high `--search-limit`. */
  noLimit: boolean;
  /** The core layout the searches run in (only one: the corpus runs take long enough). */
  layout: Layout;
}

/** The largest `--search-limit` takes (7 digits): a burst far beyond what a run sends, so the limiter runs but never answers 429. */
const HIGH_SEARCH_LIMIT = 9_999_999;
const P95_GOAL_MS = 5;
const LOAD_RPS_GOAL = 2000;
const LOAD_P99_GOAL_MS = 50;
const DOC_P99_GOAL_MS = 5;

interface StoreRun {
  store: 'SQLite' | 'PostgreSQL';
  seeded: string;
  kinds: { kind: string; r: WrkResult }[];
  search: Sample[];
  docOnly: Sample[];
  mixedDoc: Sample[];
  mixedSearch: Sample[];
}

export async function searchRows(opts: SearchRowsOptions): Promise<{ rows: Row[]; print(): void }> {
  const runs: StoreRun[] = [];
  const rows: Row[] = [];
  const skipped: string[] = [];
  const count = opts.bundles.toLocaleString('en-US');

  console.error(`search corpus: ${count} bundles on SQLite`);
  const sqliteDir = join(opts.runDir, 'search-sqlite');
  const seeded = await seededDataDir(sqliteDir, opts.bundles, { reseed: opts.reseed });
  runs.push(
    await measureStore(opts, 'SQLite', seededText(seeded), {
      dataDir: sqliteDir,
      logFile: join(opts.runDir, 'search-sqlite.log'),
    }),
  );
  const problem = opts.noPg ? 'skipped (--no-pg)' : await pgProblem();
  if (problem) skipped.push(problem);
  else {
    console.error(`search corpus: ${count} bundles on PostgreSQL`);
    const pg = await seededPgDatabase(opts.bundles, { reseed: opts.reseed });
    runs.push(
      await measureStore(opts, 'PostgreSQL', seededText(pg), {
        dataDir: join(opts.runDir, 'search-pg'),
        logFile: join(opts.runDir, 'search-pg.log'),
        databaseUrl: pg.url,
      }),
    );
  }

  const limitNote = opts.noLimit ? 'rate limits off' : '--search-limit high';
  for (const r of runs) {
    const worst = r.kinds.reduce((a, b) => (b.r.latency.p95 > a.r.latency.p95 ? b : a));
    const kindProblems = r.kinds
      .map((k) => (failureText(k.r) ? `${k.kind}: ${failureText(k.r)}` : ''))
      .filter(Boolean)
      .join('; ');
    rows.push(
      row({
        row: `search over ${count}, one client, ${r.store}`,
        figure: `worst kind p95 ${fmtUs(worst.r.latency.p95)} (${worst.kind})`,
        peer: '',
        ratio: '',
        goal: `p95 ≤ ${P95_GOAL_MS} ms, every kind`,
        pass: r.kinds.every((k) => k.r.latency.p95 <= P95_GOAL_MS * 1000),
        flag: kindProblems,
      }),
    );
    const s = summarize(r.search);
    rows.push(
      row({
        row: `search over ${count}, ${opts.connections} conns, ${r.store}`,
        figure: `${fmtNum(s.rps)} req/s, p99 ${fmtUs(s.p99)}`,
        peer: '',
        ratio: '',
        goal: `≥ ${fmtNum(LOAD_RPS_GOAL)} req/s, p99 ≤ ${LOAD_P99_GOAL_MS} ms`,
        pass: s.rps >= LOAD_RPS_GOAL && s.p99 <= LOAD_P99_GOAL_MS * 1000,
        flag: s.problems,
      }),
    );
    const alone = summarize(r.docOnly);
    const mixed = summarize(r.mixedDoc);
    const mixedSearch = summarize(r.mixedSearch);
    rows.push(
      row({
        row: `doc GET p99 while searching, ${r.store}`,
        figure: `p99 ${fmtUs(mixed.p99)} (${fmtNum(mixed.rps)} req/s; searches ${fmtNum(mixedSearch.rps)} req/s)`,
        peer: `doc only: p99 ${fmtUs(alone.p99)}`,
        ratio: fmtRatio(mixed.p99 / alone.p99),
        goal: `p99 ≤ ${DOC_P99_GOAL_MS} ms (the doc GET goal)`,
        pass: mixed.p99 <= DOC_P99_GOAL_MS * 1000,
        flag: [alone.problems, mixed.problems, mixedSearch.problems].filter(Boolean).join('; '),
      }),
    );
    const rss = maxOf([s.rssPeak, alone.rssPeak, mixed.rssPeak, mixedSearch.rssPeak]);
    rows.push(
      row({
        row: `RSS under search load, ${r.store}`,
        figure: `peak ${(rss / 1024 / 1024).toFixed(0)} MB`,
        peer: '',
        ratio: '',
        goal: '≤ 150 MB',
        pass: rss <= 150 * 1024 * 1024,
      }),
    );
  }
  for (const why of skipped) {
    for (const what of [
      `search over ${count}, one client`,
      `search over ${count}, ${opts.connections} conns`,
      'doc GET p99 while searching',
      'RSS under search load',
    ]) {
      rows.push(
        row({
          row: `${what}, PostgreSQL`,
          figure: why,
          peer: '',
          ratio: '',
          goal: '',
          pass: null,
        }),
      );
    }
  }

  const print = () => {
    console.log('');
    console.log(
      `Search over ${count} bundles (${limitNote}; ${opts.layout.name} cores; ${opts.rounds} round(s) of ${opts.durationSec} s for the loaded runs, medians; ${opts.kindSec} s per kind for one client)`,
    );
    for (const r of runs) console.log(`  ${r.store}: ${r.seeded}`);
    printTable(
      [
        ['one client (wrk -t1 -c1)', 'store', 'req/s', 'p50', 'p95', 'p99', 'errors'],
        ...runs.flatMap((r) =>
          r.kinds.map((k) => [
            k.kind,
            r.store,
            fmtNum(k.r.rps),
            fmtUs(k.r.latency.p50),
            fmtUs(k.r.latency.p95),
            fmtUs(k.r.latency.p99),
            failureText(k.r) || '0',
          ]),
        ),
      ],
      2,
    );
    console.log('');
    printTable(
      [
        ['loaded (medians)', 'store', 'req/s', 'p50', 'p99', 'p99.9', 'peak RSS', 'problems'],
        ...runs.flatMap((r) =>
          (
            [
              [`search, ${opts.connections} conns`, r.search],
              ['doc GET alone, 16 conns', r.docOnly],
              ['doc GET with searches, 16 + 16', r.mixedDoc],
              ['  searches meanwhile', r.mixedSearch],
            ] as const
          ).map(([label, samples]) => {
            const s = summarize(samples);
            return [
              label,
              r.store,
              fmtNum(s.rps),
              fmtUs(s.p50),
              fmtUs(s.p99),
              fmtUs(s.p999),
              `${(s.rssPeak / 1024 / 1024).toFixed(0)} MB`,
              s.problems || '0',
            ];
          }),
        ),
      ],
      2,
    );
  };
  return { rows, print };
}

function seededText(s: { seconds: number; cached: boolean }): string {
  return s.cached ? 'cached corpus' : `seeded in ${s.seconds.toFixed(0)} s`;
}

async function measureStore(
  opts: SearchRowsOptions,
  store: StoreRun['store'],
  seeded: string,
  server: { dataDir: string; logFile: string; databaseUrl?: string },
): Promise<StoreRun> {
  const big: ServerProcess = await startOurRegistry({
    ...server,
    ...(opts.noLimit ? { noRateLimits: true } : { searchLimit: HIGH_SEARCH_LIMIT }),
  });
  try {
    await pinProcess(big.pid, opts.layout.serverCpus);
    const queries = searchQueries();
    for (const q of queries) {
      const res = await fetch(big.url + q.path);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${store}: ${q.path} answered ${res.status}`);
    }
    const docPaths = docPathsOfCorpus(20);
    for (const path of docPaths) {
      const res = await fetch(big.url + path);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${store}: ${path} answered ${res.status}`);
    }
    const wrkCpus = opts.layout.wrkCpus ? { cpus: opts.layout.wrkCpus } : {};
    const kinds: StoreRun['kinds'] = [];
    for (const kind of new Set(queries.map((q) => q.kind))) {
      const requests = queries.filter((q) => q.kind === kind).map((q) => ({ path: q.path }));
      const r = await runWrk({
        url: big.url,
        requests,
        threads: 1,
        connections: 1,
        durationSec: opts.kindSec,
        ...wrkCpus,
      });
      console.error(
        `  ${store} one client, ${kind}: ${fmtNum(r.rps)} req/s, p50 ${fmtUs(r.latency.p50)}, p95 ${fmtUs(r.latency.p95)}${failureText(r) ? `, ${failureText(r)}` : ''}`,
      );
      kinds.push({ kind, r });
    }
    const search: Target = {
      label: `${store} search`,
      server: big,
      requests: queries.map((q) => ({ path: q.path })),
    };
    const doc: Target = { label: `${store} doc`, server: big, requests: docPaths.map((path) => ({ path })) };
    const loaded = {
      layout: opts.layout,
      durationSec: opts.durationSec,
      threads: 2,
      connections: opts.connections,
    };
    const half = { ...loaded, threads: 1, connections: 16 };
    if (opts.warmupSec > 0) await measureOnce(search, { ...loaded, durationSec: opts.warmupSec });
    const run: StoreRun = { store, seeded, kinds, search: [], docOnly: [], mixedDoc: [], mixedSearch: [] };
    for (let i = 0; i < opts.rounds; i++) {
      run.search.push(await measureOnce(search, loaded));
      run.docOnly.push(await measureOnce(doc, half));
      const [d, s] = await Promise.all([measureOnce(doc, half), measureOnce(search, half)]);
      run.mixedDoc.push(d);
      run.mixedSearch.push(s);
      console.error(
        `  [${i + 1}/${opts.rounds}] ${store}: search ${fmtNum(run.search[i]!.result.rps)} req/s p99 ${fmtUs(run.search[i]!.result.latency.p99)}; doc alone p99 ${fmtUs(run.docOnly[i]!.result.latency.p99)}, with searches p99 ${fmtUs(d.result.latency.p99)}`,
      );
    }
    return run;
  } finally {
    await big.stop();
  }
}

/** Document paths of the corpus's first `n` bundles (the seeder's names, same PRNG). */
function docPathsOfCorpus(n: number): string[] {
  const rand = prng(7);
  return Array.from({ length: n }, (_, i) => `/v1/bundles/${describeBundle(i, rand).name}`);
}
