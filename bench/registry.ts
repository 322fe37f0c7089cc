/**
 * Registry benchmark (issue #3): our registry and Verdaccio 6.8.0 side by side on 127.0.0.1,
 * same 20 bundles, autocannon in its own process. Run by hand after a build:
 *
 *   npx turbo run build && npx tsx bench/registry.ts [--duration 10] [--connections 32]
 *
 * See bench/README.md for what each figure means and the latest results.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { numberFlag, parseBenchArgs } from './lib/args.ts';
import { ACTIONS, generateBundles, skillTarball, TOPICS } from './lib/bundles.ts';
import { sequentialLatency } from './lib/latency.ts';
import { expectOnly, type LoadRequest, type LoadResult, runLoad } from './lib/load.ts';
import { machineLine, warnIfBusy } from './lib/machine.ts';
import {
  createPublisher,
  publishAllToOurs,
  publishToOurs,
  startBareHono,
  startOurRegistry,
} from './lib/our-registry.ts';
import { makeRunDir, REGISTRY_BIN } from './lib/paths.ts';
import type { ServerProcess } from './lib/proc.ts';
import { readRss, sampleRss } from './lib/rss.ts';
import { searchQueries } from './lib/seed.ts';
import { seededDataDir } from './lib/seed-cache.ts';
import {
  fmtMB,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtWholeMs,
  percentile,
  printTable,
  printVerdicts,
  type Verdict,
  verdict,
} from './lib/stats.ts';
import {
  createVerdaccioUser,
  npmTarballName,
  publishToVerdaccio,
  putToVerdaccio,
  startVerdaccio,
  verdaccioPublishBody,
} from './lib/verdaccio.ts';

const flags = parseBenchArgs(
  ['duration', 'connections', 'publishes', 'search-bundles'],
  ['keep', 'reseed', 'help'],
);
if (flags.help) {
  console.log(`usage: npx tsx bench/registry.ts [--duration S] [--connections N] [--publishes N]
                                    [--search-bundles N] [--reseed] [--keep]
  --duration S         seconds of load per scenario and server (default 10; plus a 2 s warm-up)
  --connections N      concurrent keep-alive connections (default 32)
  --publishes N        sequential publishes to time, at most 30 s (default 500)
  --search-bundles N   bundles seeded for the search latency run (default 100000; cached in .bench/seed)
  --reseed             seed the search corpus again even when a cached one matches
  --keep               keep the run directory (data dirs, server logs) and print where it is`);
  process.exit(0);
}
const DURATION = numberFlag(flags, 'duration', 10);
const CONNECTIONS = numberFlag(flags, 'connections', 32);
const PUBLISHES = numberFlag(flags, 'publishes', 500);
const SEARCH_BUNDLES = numberFlag(flags, 'search-bundles', 100_000);
const PUBLISH_MAX_MS = 30_000;

if (!existsSync(REGISTRY_BIN)) {
  console.error(`${REGISTRY_BIN} is missing: build first (npx turbo run build)`);
  process.exit(2);
}

interface Measured {
  load: LoadResult;
  rssPeak: number;
}

/** One load run against one server, sampling that server's RSS meanwhile. */
async function measure(
  server: ServerProcess,
  requests: LoadRequest[],
  expect: number,
  what: string,
): Promise<Measured> {
  const sampler = sampleRss(server.pid);
  const load = await runLoad({ url: server.url, requests, connections: CONNECTIONS, durationSec: DURATION });
  const { peak } = sampler.stop();
  expectOnly(load, expect, what);
  console.error(
    `  ${what}: ${fmtNum(load.rps)} req/s, p50 ${fmtWholeMs(load.p50)}, p99 ${fmtWholeMs(load.p99)}, peak RSS ${fmtMB(peak)}${failures(load)}`,
  );
  return { load, rssPeak: peak };
}

/** `, N errors (M timeouts)` when some requests got no response, else nothing. */
function failures(load: LoadResult): string {
  return load.errors > 0 ? `, ${load.errors} errors (${load.timeouts} timeouts of 10 s)` : '';
}

async function etagsOf(origin: string, paths: string[]): Promise<LoadRequest[]> {
  const out: LoadRequest[] = [];
  for (const path of paths) {
    const res = await fetch(origin + path);
    await res.arrayBuffer();
    const etag = res.headers.get('etag');
    if (!etag) return [];
    out.push({ path, headers: { 'if-none-match': etag } });
  }
  return out;
}

const run = await makeRunDir('registry');
const servers: ServerProcess[] = [];
const verdicts: Verdict[] = [];
try {
  console.error(`run dir: ${run.dir}`);
  warnIfBusy();
  const machineAtStart = machineLine();
  const bundles = generateBundles(20);
  const names = bundles.map((b) => b.name);

  // --- Both servers, the same 20 bundles.
  const ours = await startOurRegistry({ dataDir: join(run.dir, 'ours'), logFile: join(run.dir, 'ours.log') });
  servers.push(ours);
  const verdaccio = await startVerdaccio({
    dir: join(run.dir, 'verdaccio'),
    logFile: join(run.dir, 'verdaccio.log'),
  });
  servers.push(verdaccio);
  const token = await createPublisher(ours.url);
  await publishAllToOurs(
    ours.url,
    token,
    bundles.map((b) => ({ name: b.name, tarball: skillTarball(b) })),
  );
  const vToken = await createVerdaccioUser(verdaccio.url);
  for (const b of bundles) await publishToVerdaccio(verdaccio.url, vToken, b);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = { ours: readRss(ours.pid), verdaccio: readRss(verdaccio.pid) };

  const docPaths = { ours: names.map((n) => `/v1/bundles/${n}`), verdaccio: names.map((n) => `/${n}`) };
  const tarPaths = {
    ours: await Promise.all(
      names.map(async (n) => {
        const doc = (await (await fetch(`${ours.url}/v1/bundles/${n}`)).json()) as {
          versions: Record<string, { tarball: string }>;
        };
        return new URL(doc.versions['1.0.0']!.tarball).pathname;
      }),
    ),
    verdaccio: names.map((n) => `/${n}/-/${npmTarballName(n, '1.0.0')}`),
  };
  const terms = [...ACTIONS.slice(0, 10), ...TOPICS.slice(0, 10)];
  const searchPaths = {
    ours: terms.map((t) => `/v1/search?q=${t}`),
    verdaccio: terms.map((t) => `/-/v1/search?text=${t}&size=20`),
  };

  console.error(`load: ${CONNECTIONS} connections, ${DURATION} s per scenario and server`);
  const doc = {
    ours: await measure(
      ours,
      docPaths.ours.map((path) => ({ path })),
      200,
      'ours doc GET',
    ),
    verdaccio: await measure(
      verdaccio,
      docPaths.verdaccio.map((path) => ({ path })),
      200,
      'verdaccio doc GET',
    ),
  };
  const oursConditional = await etagsOf(ours.url, docPaths.ours);
  const verdaccioConditional = await etagsOf(verdaccio.url, docPaths.verdaccio);
  const notModified = {
    ours: await measure(ours, oursConditional, 304, 'ours doc 304'),
    verdaccio:
      verdaccioConditional.length > 0
        ? await measure(verdaccio, verdaccioConditional, 304, 'verdaccio doc 304')
        : undefined,
  };
  const search = {
    ours: await measure(
      ours,
      searchPaths.ours.map((path) => ({ path })),
      200,
      'ours search',
    ),
    verdaccio: await measure(
      verdaccio,
      searchPaths.verdaccio.map((path) => ({ path })),
      200,
      'verdaccio search',
    ),
  };
  const tarball = {
    ours: await measure(
      ours,
      tarPaths.ours.map((path) => ({ path })),
      200,
      'ours tarball GET',
    ),
    verdaccio: await measure(
      verdaccio,
      tarPaths.verdaccio.map((path) => ({ path })),
      200,
      'verdaccio tarball GET',
    ),
  };
  const hwm = { ours: readRss(ours.pid, 'VmHWM'), verdaccio: readRss(verdaccio.pid, 'VmHWM') };
  await ours.stop();
  await verdaccio.stop();
  servers.length = 0;

  // --- The ceiling on this machine, now: a bare hono route returning one SQLite row.
  const bare = await startBareHono({ logFile: join(run.dir, 'bare.log') });
  servers.push(bare);
  const bareDoc = await measure(
    bare,
    names.map((_, i) => ({ path: `/v1/bundles/bundle-${i}` })),
    200,
    'bare hono + SQLite doc GET',
  );
  await bare.stop();
  servers.length = 0;

  // --- Sequential publishes of distinct versions (rate limits off on ours; see README).
  console.error(`publishes: up to ${PUBLISHES}, sequential, at most ${PUBLISH_MAX_MS / 1000} s each server`);
  const pubOurs = await startOurRegistry({
    dataDir: join(run.dir, 'publish-ours'),
    logFile: join(run.dir, 'publish-ours.log'),
    noRateLimits: true,
  });
  servers.push(pubOurs);
  const pubToken = await createPublisher(pubOurs.url);
  const jobs = Array.from({ length: PUBLISHES }, (_, i) => {
    const b = bundles[i % bundles.length]!;
    return { b, version: `1.0.${Math.floor(i / bundles.length)}` };
  });
  const oursTarballs = jobs.map(({ b, version }) => ({ name: b.name, tarball: skillTarball(b, version) }));
  const publishOurs = await timePublishes(oursTarballs.length, async (i) => {
    const { name, tarball: t } = oursTarballs[i]!;
    const status = await publishToOurs(pubOurs.url, pubToken, name, t);
    if (status !== 201) throw new Error(`publish ${name} #${i}: HTTP ${status}`);
  });
  await pubOurs.stop();
  servers.length = 0;
  const pubVerdaccio = await startVerdaccio({
    dir: join(run.dir, 'publish-verdaccio'),
    logFile: join(run.dir, 'publish-verdaccio.log'),
  });
  servers.push(pubVerdaccio);
  const pubVToken = await createVerdaccioUser(pubVerdaccio.url);
  const verdaccioBodies = jobs.map(({ b, version }) => ({
    name: b.name,
    body: verdaccioPublishBody(pubVerdaccio.url, b, version),
  }));
  const publishVerdaccio = await timePublishes(jobs.length, async (i) => {
    const { name, body } = verdaccioBodies[i]!;
    await putToVerdaccio(pubVerdaccio.url, pubVToken, name, body);
  });
  await pubVerdaccio.stop();
  servers.length = 0;

  // --- Search latency over a large corpus.
  console.error(`search corpus: ${SEARCH_BUNDLES.toLocaleString('en-US')} bundles`);
  const seeded = await seededDataDir(join(run.dir, 'search'), SEARCH_BUNDLES, {
    reseed: flags.reseed === true,
  });
  const big = await startOurRegistry({
    dataDir: join(run.dir, 'search'),
    logFile: join(run.dir, 'search.log'),
  });
  servers.push(big);
  const queries = searchQueries();
  const byKind = new Map<string, number[]>();
  const seqAll = await sequentialLatency(
    big.url,
    queries.map((q) => q.path),
    { maxRequests: 3000, maxMs: 30_000 },
  );
  if (Object.keys(seqAll.statuses).some((code) => code !== '200')) {
    throw new Error(`search over the corpus answered ${JSON.stringify(seqAll.statuses)}`);
  }
  // Per kind, for the report: a short sequential pass over each kind's queries.
  for (const kind of new Set(queries.map((q) => q.kind))) {
    const paths = queries.filter((q) => q.kind === kind).map((q) => q.path);
    const r = await sequentialLatency(big.url, paths, { maxRequests: 200, maxMs: 10_000, warmup: 5 });
    byKind.set(kind, [r.p50, r.p95, r.count]);
  }
  const bigLoad = await measure(
    big,
    queries.map((q) => ({ path: q.path })),
    200,
    `ours search over ${SEARCH_BUNDLES} bundles`,
  );
  await big.stop();
  servers.length = 0;

  // --- Report.
  const ratio = (a: Measured, b: Measured | undefined) => (b ? a.load.rps / b.load.rps : Number.NaN);
  console.log('');
  console.log(
    `Registry benchmark, ${new Date().toISOString()}, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s per run`,
  );
  console.log(`machine at start: ${machineAtStart}`);
  console.log(`machine at end:   ${machineLine()}`);
  console.log('');
  const row = (scenario: string, server: string, m: Measured | undefined): string[] =>
    m
      ? [
          scenario,
          server,
          fmtNum(m.load.rps),
          fmtWholeMs(m.load.p50),
          fmtWholeMs(m.load.p99),
          fmtMB(m.rssPeak),
          m.load.errors ? `${m.load.errors} (${m.load.timeouts} timeouts)` : '0',
        ]
      : [scenario, server, 'n/a', '', '', '', ''];
  printTable(
    [
      ['scenario', 'server', 'req/s', 'p50', 'p99', 'peak RSS', 'errors'],
      row('doc GET', 'ours', doc.ours),
      row('', 'verdaccio', doc.verdaccio),
      row('', 'bare hono + SQLite row', bareDoc),
      row('doc 304', 'ours', notModified.ours),
      row('', 'verdaccio', notModified.verdaccio),
      row('tarball GET', 'ours', tarball.ours),
      row('', 'verdaccio', tarball.verdaccio),
      row('search, 20 bundles', 'ours', search.ours),
      row('', 'verdaccio', search.verdaccio),
      row(`search, ${SEARCH_BUNDLES.toLocaleString('en-US')} bundles`, 'ours', bigLoad),
    ],
    2,
  );
  console.log('');
  console.log(
    `ratios ours/verdaccio: doc GET ${fmtRatio(ratio(doc.ours, doc.verdaccio))}, 304 ${fmtRatio(ratio(notModified.ours, notModified.verdaccio))}, tarball ${fmtRatio(ratio(tarball.ours, tarball.verdaccio))}, search ${fmtRatio(ratio(search.ours, search.verdaccio))}`,
  );
  console.log(`ours 304/200: ${fmtRatio(ratio(notModified.ours, doc.ours))}`);
  console.log(
    `doc GET against the bare hono + SQLite ceiling: ours ${fmtRatio(ratio(doc.ours, bareDoc))}; ceiling/verdaccio ${fmtRatio(ratio(bareDoc, doc.verdaccio))}`,
  );
  console.log(
    `RSS idle: ours ${fmtMB(idle.ours)}, verdaccio ${fmtMB(idle.verdaccio)}; lifetime peak (VmHWM): ours ${fmtMB(hwm.ours)}, verdaccio ${fmtMB(hwm.verdaccio)}`,
  );
  console.log('');
  printTable([
    ['sequential publishes', 'count', 'per s', 'p50', 'p99'],
    [
      'ours (rate limits off)',
      String(publishOurs.count),
      fmtNum(publishOurs.perSec, 1),
      fmtMs(publishOurs.p50),
      fmtMs(publishOurs.p99),
    ],
    [
      'verdaccio',
      String(publishVerdaccio.count),
      fmtNum(publishVerdaccio.perSec, 1),
      fmtMs(publishVerdaccio.p50),
      fmtMs(publishVerdaccio.p99),
    ],
  ]);
  console.log('');
  console.log(
    `search over ${SEARCH_BUNDLES.toLocaleString('en-US')} bundles (${seeded.cached ? 'cached corpus' : `seeded in ${seeded.seconds.toFixed(0)} s`}), one connection, requests one after another:`,
  );
  printTable([
    ['query kind', 'p50', 'p95', 'n'],
    ['all (mixed)', fmtMs(seqAll.p50), fmtMs(seqAll.p95), String(seqAll.count)],
    ...[...byKind].map(([kind, [p50, p95, n]]) => [kind, fmtMs(p50!), fmtMs(p95!), String(n)]),
  ]);

  const rssUnderLoad = Math.max(
    doc.ours.rssPeak,
    notModified.ours.rssPeak,
    tarball.ours.rssPeak,
    search.ours.rssPeak,
    bigLoad.rssPeak,
  );
  verdicts.push(
    verdict(
      'document GET ≥ 8× Verdaccio with p99 ≤ 5 ms',
      ratio(doc.ours, doc.verdaccio) >= 8 && doc.ours.load.p99 <= 5,
      `${fmtRatio(ratio(doc.ours, doc.verdaccio))} (${fmtNum(doc.ours.load.rps)} vs ${fmtNum(doc.verdaccio.load.rps)} req/s), p99 ${fmtWholeMs(doc.ours.load.p99)}`,
    ),
    verdict(
      '304 ≥ 1.3× our own 200',
      ratio(notModified.ours, doc.ours) >= 1.3,
      `${fmtRatio(ratio(notModified.ours, doc.ours))} (${fmtNum(notModified.ours.load.rps)} vs ${fmtNum(doc.ours.load.rps)} req/s)`,
    ),
    verdict(
      'tarball GET ≥ 5× Verdaccio',
      ratio(tarball.ours, tarball.verdaccio) >= 5,
      `${fmtRatio(ratio(tarball.ours, tarball.verdaccio))} (${fmtNum(tarball.ours.load.rps)} vs ${fmtNum(tarball.verdaccio.load.rps)} req/s)`,
    ),
    verdict('RSS under load ≤ 150 MB', rssUnderLoad <= 150 * 1024 * 1024, `peak ${fmtMB(rssUnderLoad)}`),
    verdict(
      `search p95 ≤ 5 ms over ${SEARCH_BUNDLES.toLocaleString('en-US')} bundles`,
      seqAll.p95 <= 5,
      `p95 ${fmtMs(seqAll.p95)} (sequential); at ${CONNECTIONS} connections p99 ${fmtWholeMs(bigLoad.load.p99)}, ${fmtNum(bigLoad.load.rps)} req/s`,
    ),
    verdict(
      '≥ 100 publishes/s sequentially',
      publishOurs.perSec >= 100,
      `${fmtNum(publishOurs.perSec, 1)}/s (Verdaccio ${fmtNum(publishVerdaccio.perSec, 1)}/s)`,
    ),
  );
  printVerdicts(verdicts);
} finally {
  for (const s of servers) await s.stop();
  if (flags.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}

/** Runs `publish(i)` for i = 0… one after another until `count` or PUBLISH_MAX_MS. */
async function timePublishes(count: number, publish: (i: number) => Promise<void>) {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count && performance.now() - start < PUBLISH_MAX_MS; i++) {
    const t = performance.now();
    await publish(i);
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    count: times.length,
    perSec: times.length / seconds,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  };
}
