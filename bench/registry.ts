/**
 * Registry benchmark (issues #3 and #11): our registry, Verdaccio 6.8.0 and a bare hono + SQLite
 * floor side by side on 127.0.0.1, the same 20 bundles, load from `wrk` in its own process,
 * interleaved rounds and medians, in two core layouts; then sequential publishes and search over
 * a seeded corpus, on SQLite and PostgreSQL. Run by hand after a build:
 *
 *   npx turbo run build && npx tsx bench/registry.ts [--duration 5] [--rounds 3]
 *
 * See bench/README.md for what each row means.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberFlag, parseBenchArgs } from './lib/args.ts';
import { generateBundles, skillTarball } from './lib/bundles.ts';
import { OWN_BOOLEANS, OWN_STRINGS, REGISTRY_FLAGS } from './lib/flags.ts';
import { floorDocuments } from './lib/floor-documents.ts';
import { machineLine, warnIfBusy } from './lib/machine.ts';
import {
  createPublisher,
  publishAllToOurs,
  startBareHono,
  startBareNode,
  startOurRegistry,
} from './lib/our-registry.ts';
import { makeRunDir, REGISTRY_BIN } from './lib/paths.ts';
import type { ServerProcess } from './lib/proc.ts';
import { publishRows } from './lib/publish-rows.ts';
import {
  type Layout,
  layouts,
  maxOf,
  runRounds,
  type Sample,
  type Summary,
  summarize,
} from './lib/rounds.ts';
import { printRows, type Row, row, runInfo, writeRows } from './lib/rows.ts';
import { readRss } from './lib/rss.ts';
import { searchRows } from './lib/search-rows.ts';
import { fmtMB, fmtNum, fmtRatio, median, printTable } from './lib/stats.ts';
import { createVerdaccioUser, npmTarballName, publishToVerdaccio, startVerdaccio } from './lib/verdaccio.ts';
import { bytesPerResponse, fmtUs, WRK_BIN, type WrkRequest } from './lib/wrk.ts';

const PARTS = ['http', 'publish', 'search'] as const;
const flags = parseBenchArgs(
  [...REGISTRY_FLAGS.strings, ...OWN_STRINGS],
  [...REGISTRY_FLAGS.booleans, ...OWN_BOOLEANS],
);
if (flags.help) {
  console.log(`usage: npx tsx bench/registry.ts [--duration S] [--rounds N] [--warmup S] [--connections N]
                                    [--layouts shared,pinned] [--repeat N] [--only http,publish,search]
                                    [--publishes N] [--search-bundles N] [--search-kind-duration S]
                                    [--no-pg] [--search-no-limit] [--reseed] [--json FILE] [--keep]
  --duration S              seconds of each measured wrk run (default 5)
  --rounds N                interleaved rounds per scenario; medians are reported (default 3)
  --warmup S                unmeasured wrk run per target before the rounds (default 2)
  --connections N           wrk connections (default 32, two threads)
  --layouts L               core layouts: shared (all on every core), pinned (servers on core 0,
                            wrk on core 1); default both
  --repeat N                runs of each layout, alternating (shared, pinned, shared, …), each
                            with its own rows (default 2, as issue #11 measures)
  --only P                  parts to run: http (doc, 304, tarball, RSS), publish, search; default all
  --publishes N             sequential publishes to time per server, at most 30 s (default 500)
  --search-bundles N        bundles in the search corpus (default 100000; cached in .bench/seed
                            and, for PostgreSQL, in the database skills_bench_search)
  --search-kind-duration S  seconds of one-client search load per query kind (default 3)
  --no-pg                   skip the PostgreSQL rows
  --search-no-limit         run the search server with --no-rate-limit instead of a high --search-limit
  --reseed                  seed the search corpus again even when a cached one matches
  --json FILE               also write the rows, the commit and the load averages to FILE
  --keep                    keep the run directory (data dirs, server logs) and print where it is`);
  process.exit(0);
}
const DURATION = numberFlag(flags, 'duration', 5);
const ROUNDS = numberFlag(flags, 'rounds', 3);
const WARMUP = flags.warmup === '0' ? 0 : numberFlag(flags, 'warmup', 2);
const CONNECTIONS = numberFlag(flags, 'connections', 32);
const PUBLISHES = numberFlag(flags, 'publishes', 500);
const SEARCH_BUNDLES = numberFlag(flags, 'search-bundles', 100_000);
const KIND_SEC = numberFlag(flags, 'search-kind-duration', 3);
const NO_PG = flags['no-pg'] === true;
const LAYOUTS = pickLayouts(typeof flags.layouts === 'string' ? flags.layouts : undefined);
const REPEAT = numberFlag(flags, 'repeat', 2);
/** Versions of each bundle in the second document set (see httpRows). */
const DEEP_VERSIONS = 20;
const ONLY = pickParts(typeof flags.only === 'string' ? flags.only : undefined);

function pickLayouts(list: string | undefined): Layout[] {
  const all = layouts();
  if (!list) return all;
  const names = list.split(',');
  const bad = names.filter((n) => !all.some((l) => l.name === n));
  if (bad.length) {
    console.error(`--layouts: unknown ${bad.join(', ')} (use shared, pinned)`);
    process.exit(2);
  }
  return all.filter((l) => names.includes(l.name));
}

function pickParts(list: string | undefined): Set<(typeof PARTS)[number]> {
  if (!list) return new Set(PARTS);
  const names = list.split(',');
  const bad = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (bad.length) {
    console.error(`--only: unknown ${bad.join(', ')} (use ${PARTS.join(', ')})`);
    process.exit(2);
  }
  return new Set(names as (typeof PARTS)[number][]);
}

for (const file of [REGISTRY_BIN, WRK_BIN]) {
  if (!existsSync(file)) {
    console.error(
      `${file} is missing: ${file === WRK_BIN ? 'apt-get install wrk' : 'build first (npx turbo run build)'}`,
    );
    process.exit(2);
  }
}

const info = runInfo('registry');
const run = await makeRunDir('registry');
const servers: ServerProcess[] = [];
const rows: Row[] = [];
const printers: (() => void)[] = [];
try {
  console.error(`run dir: ${run.dir}`);
  warnIfBusy();
  const machineAtStart = machineLine();
  const bundles = generateBundles(20);

  if (ONLY.has('http')) {
    const http = await httpRows(bundles);
    rows.push(...http.rows);
    printers.push(http.print);
  }
  if (ONLY.has('publish')) {
    const p = await publishRows({ runDir: run.dir, bundles, count: PUBLISHES, maxMs: 30_000, noPg: NO_PG });
    rows.push(...p.rows);
    printers.push(p.print);
  }
  if (ONLY.has('search')) {
    const s = await searchRows({
      runDir: run.dir,
      bundles: SEARCH_BUNDLES,
      reseed: flags.reseed === true,
      durationSec: DURATION,
      rounds: ROUNDS,
      warmupSec: WARMUP,
      kindSec: KIND_SEC,
      connections: CONNECTIONS,
      noPg: NO_PG,
      noLimit: flags['search-no-limit'] === true,
      layout: LAYOUTS[0]!,
    });
    rows.push(...s.rows);
    printers.push(s.print);
  }

  console.log('');
  console.log(
    `Registry benchmark, ${info.startedAt}, commit ${info.commit}, Node ${process.version}, wrk -t2 -c${CONNECTIONS}, ${ROUNDS} interleaved round(s) of ${DURATION} s, medians`,
  );
  console.log(`machine at start: ${machineAtStart}`);
  console.log(`machine at end:   ${machineLine()}`);
  for (const p of printers) p();
  printRows('Targets', rows);
  await writeRows(typeof flags.json === 'string' ? flags.json : undefined, info, rows);
} finally {
  for (const s of servers) await s.stop();
  if (flags.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}

/** Document GET, conditional GET, tarball GET and RSS: ours, Verdaccio and the floor, per layout. */
async function httpRows(
  bundles: ReturnType<typeof generateBundles>,
): Promise<{ rows: Row[]; print(): void }> {
  const names = bundles.map((b) => b.name);
  // Published through a setup server (--no-rate-limit: 420 publishes pass the per-user burst of
  // 60), then measured on a fresh server over the same data, so that RSS is a serving process's.
  const dataDir = join(run.dir, 'ours');
  const setup = await startOurRegistry({
    dataDir,
    logFile: join(run.dir, 'ours-setup.log'),
    noRateLimits: true,
  });
  servers.push(setup);
  const verdaccio = await startVerdaccio({
    dir: join(run.dir, 'verdaccio'),
    logFile: join(run.dir, 'verdaccio.log'),
  });
  servers.push(verdaccio);
  const bare = await startBareHono({ logFile: join(run.dir, 'bare.log') });
  servers.push(bare);
  const token = await createPublisher(setup.url);
  await publishAllToOurs(
    setup.url,
    token,
    bundles.map((b) => ({ name: b.name, tarball: skillTarball(b) })),
  );
  // A second set whose documents carry 20 versions each, the size where a 304 saves a real
  // body (~25 KB instead of ~1.5 KB): ours only, for the 304/200 pair measured on them.
  const deep = generateBundles(40).slice(20);
  await publishAllToOurs(
    setup.url,
    token,
    deep.flatMap((b) =>
      Array.from({ length: DEEP_VERSIONS }, (_, v) => ({
        name: b.name,
        tarball: skillTarball(b, `1.0.${v}`),
      })),
    ),
  );
  await setup.stop();
  servers.splice(servers.indexOf(setup), 1);
  const ours = await startOurRegistry({ dataDir, logFile: join(run.dir, 'ours.log') });
  servers.push(ours);
  const vToken = await createVerdaccioUser(verdaccio.url);
  for (const b of bundles) await publishToVerdaccio(verdaccio.url, vToken, b);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = { ours: readRss(ours.pid), verdaccio: readRss(verdaccio.pid) };

  // Each document's body size and tarball path, fetched once beforehand.
  const tarPaths: string[] = [];
  let smallestDoc = Number.POSITIVE_INFINITY;
  for (const n of names) {
    const res = await fetch(`${ours.url}/v1/bundles/${n}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`GET /v1/bundles/${n}: HTTP ${res.status}`);
    smallestDoc = Math.min(smallestDoc, body.length);
    const doc = JSON.parse(body.toString('utf8')) as { versions: Record<string, { tarball: string }> };
    tarPaths.push(new URL(doc.versions['1.0.0']!.tarball).pathname);
  }
  // Each document's own ETag, fetched again before every 304 run: it includes the download
  // count, which the tarball runs change (counts reach the store within about a second).
  const conditional = async (of = names): Promise<WrkRequest[]> => {
    const out: WrkRequest[] = [];
    for (const n of of) {
      const res = await fetch(`${ours.url}/v1/bundles/${n}`);
      await res.arrayBuffer();
      const etag = res.headers.get('etag');
      if (res.status !== 200 || !etag)
        throw new Error(`GET /v1/bundles/${n}: HTTP ${res.status}, ETag ${etag}`);
      out.push({ path: `/v1/bundles/${n}`, headers: { 'If-None-Match': etag } });
    }
    return out;
  };
  const deepNames = deep.map((b) => b.name);
  const check304 = await conditional();
  const deep304 = await conditional(deepNames);
  let smallestDeep = Number.POSITIVE_INFINITY;
  for (const n of deepNames) {
    const res = await fetch(`${ours.url}/v1/bundles/${n}`);
    smallestDeep = Math.min(smallestDeep, (await res.arrayBuffer()).byteLength);
  }
  for (const r of [...check304, ...deep304]) {
    const res = await fetch(ours.url + r.path, { headers: r.headers ?? {} });
    await res.arrayBuffer();
    if (res.status !== 304) throw new Error(`GET ${r.path} with its ETag: HTTP ${res.status}, not 304`);
  }
  // The 304 row's floor: bare node:http answering the same documents with the same headers.
  const floorDocs = await floorDocuments(ours.url, check304);
  const floorFile = join(run.dir, 'floor-documents.json');
  writeFileSync(floorFile, JSON.stringify(floorDocs));
  const bareNode = await startBareNode({ logFile: join(run.dir, 'bare-node.log'), documentsFile: floorFile });
  servers.push(bareNode);
  const docTargets = [
    { label: 'ours doc GET', server: ours, requests: names.map((n) => ({ path: `/v1/bundles/${n}` })) },
    { label: 'Verdaccio doc GET', server: verdaccio, requests: names.map((n) => ({ path: `/${n}` })) },
    {
      label: 'bare hono + SQLite row',
      server: bare,
      requests: names.map((_, i) => ({ path: `/v1/bundles/bundle-${i}` })),
    },
    {
      label: 'ours doc 304',
      server: ours,
      requests: check304,
      prepare: conditional,
      // No response() hook in the wrk script (it would cost the generator CPU): a 200 instead of
      // a 304 shows as a body, so the average response must be smaller than the smallest body.
      check: all304(smallestDoc),
    },
    { label: 'bare node:http doc GET', server: bareNode, requests: floorDocs.map((d) => ({ path: d.path })) },
    {
      label: 'bare node:http doc 304',
      server: bareNode,
      requests: floorDocs.map((d) => ({ path: d.path, headers: { 'If-None-Match': d.etag } })),
      check: all304(smallestDoc),
    },
    {
      label: 'ours doc GET, 20 versions',
      server: ours,
      requests: deepNames.map((n) => ({ path: `/v1/bundles/${n}` })),
    },
    {
      label: 'ours doc 304, 20 versions',
      server: ours,
      requests: deep304,
      prepare: () => conditional(deepNames),
      check: all304(smallestDeep),
    },
  ];
  const tarTargets = [
    { label: 'ours tarball GET', server: ours, requests: tarPaths.map((path) => ({ path })) },
    {
      label: 'Verdaccio tarball GET',
      server: verdaccio,
      requests: names.map((n) => ({ path: `/${n}/-/${npmTarballName(n, '1.0.0')}` })),
    },
  ];

  const out: Row[] = [];
  const tables: { layout: Layout & { run: string }; results: Map<string, Sample[]> }[] = [];
  const runs = Array.from({ length: REPEAT }, (_, i) =>
    LAYOUTS.map((l) => ({ ...l, run: REPEAT > 1 ? ` #${i + 1}` : '' })),
  ).flat();
  for (const layout of runs) {
    console.error(
      `${layout.name}${layout.run} cores: wrk -t2 -c${CONNECTIONS}, ${ROUNDS} round(s) of ${DURATION} s`,
    );
    const opts = {
      layout,
      rounds: ROUNDS,
      durationSec: DURATION,
      warmupSec: WARMUP,
      connections: CONNECTIONS,
      threads: 2,
    };
    const results = new Map([...(await runRounds(docTargets, opts)), ...(await runRounds(tarTargets, opts))]);
    tables.push({ layout, results });
    out.push(...layoutRows(`${layout.name}${layout.run}`, results));
  }
  const hwm = { ours: readRss(ours.pid, 'VmHWM'), verdaccio: readRss(verdaccio.pid, 'VmHWM') };
  for (const s of [ours, verdaccio, bare, bareNode]) await s.stop();
  servers.length = 0;

  const print = () => {
    for (const { layout, results } of tables) {
      console.log('');
      console.log(
        `${layout.name}${layout.run} cores (servers on CPUs ${layout.serverCpus}, wrk ${layout.wrkCpus ? `on CPU ${layout.wrkCpus}` : 'anywhere'}), medians of ${ROUNDS}:`,
      );
      printTable(
        [
          ['target', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'req/s per round', 'peak RSS', 'problems'],
          ...[...results].map(([label, samples]) => {
            const s = summarize(samples);
            return [
              label,
              fmtNum(s.rps),
              fmtUs(s.p50),
              fmtUs(median(samples.map((x) => x.result.latency.p90))),
              fmtUs(s.p99),
              fmtUs(s.p999),
              samples.map((x) => fmtNum(x.result.rps)).join(' / '),
              fmtMB(s.rssPeak),
              s.problems || '0',
            ];
          }),
        ],
        1,
      );
    }
    console.log(
      `RSS idle: ours ${fmtMB(idle.ours)}, Verdaccio ${fmtMB(idle.verdaccio)}; lifetime peak (VmHWM): ours ${fmtMB(hwm.ours)}, Verdaccio ${fmtMB(hwm.verdaccio)}`,
    );
  };
  return { rows: out, print };
}

/** No response() hook in the wrk script (it would cost the generator CPU): a 200 instead of a 304 shows as a body, so the average response must be smaller than the smallest body. */
function all304(smallestBody: number) {
  return (r: Parameters<typeof bytesPerResponse>[0]) =>
    bytesPerResponse(r) >= smallestBody
      ? `${bytesPerResponse(r).toFixed(0)} bytes per response: not all 304 (a body is ≥ ${smallestBody})`
      : undefined;
}

/** The doc GET, 304, tarball and RSS rows of one layout run (`layout`: its label, e.g. `pinned #2`). */
function layoutRows(layout: string, results: Map<string, Sample[]>): Row[] {
  const s = (label: string): Summary => summarize(results.get(label));
  const doc = s('ours doc GET');
  const vDoc = s('Verdaccio doc GET');
  const floor = s('bare hono + SQLite row');
  const nm = s('ours doc 304');
  const tar = s('ours tarball GET');
  const vTar = s('Verdaccio tarball GET');
  const docVsV = doc.rps / vDoc.rps;
  const docVsFloor = doc.rps / floor.rps;
  // "Every run": the 304/200 ratio of each round, the 304 and the 200 measured minutes apart at most.
  const roundsOf = (notModified: string, ok: string) =>
    (results.get(notModified) ?? []).map(
      (x, i) => x.result.rps / (results.get(ok)?.[i]?.result.rps ?? Number.NaN),
    );
  const perRound = roundsOf('ours doc 304', 'ours doc GET');
  // What bare node:http gains from a 304 on the same documents, round by round.
  const floorRounds = roundsOf('bare node:http doc 304', 'bare node:http doc GET');
  const floorNm = s('bare node:http doc 304');
  const floorOk = s('bare node:http doc GET');
  // Microseconds a 304 saves per request against the 200 (medians): 1/rps is the time per request.
  const savingUs = (ok: Summary, notModified: Summary) => 1e6 / ok.rps - 1e6 / notModified.rps;
  const ourSaving = savingUs(doc, nm);
  const floorSaving = savingUs(floorOk, floorNm);
  const deepDoc = s('ours doc GET, 20 versions');
  const deepNm = s('ours doc 304, 20 versions');
  const deepRounds = roundsOf('ours doc 304, 20 versions', 'ours doc GET, 20 versions');
  const rssPeak = maxOf(
    ['ours doc GET', 'ours doc 304', 'ours tarball GET'].flatMap((l) =>
      (results.get(l) ?? []).map((x) => x.rssPeak),
    ),
  );
  const vRss = maxOf(
    ['Verdaccio doc GET', 'Verdaccio tarball GET'].flatMap((l) =>
      (results.get(l) ?? []).map((x) => x.rssPeak),
    ),
  );
  const L = layout;
  return [
    row({
      row: 'bundle document GET',
      layout: L,
      figure: `${fmtNum(doc.rps)} req/s, p99 ${fmtUs(doc.p99)}`,
      peer: `Verdaccio ${fmtNum(vDoc.rps)}; floor ${fmtNum(floor.rps)}`,
      ratio: `${fmtRatio(docVsV)} V; ${(docVsFloor * 100).toFixed(0)}% floor`,
      goal: '≥ 8× Verdaccio, p99 ≤ 5 ms, ≥ 40% of floor',
      pass: docVsV >= 8 && doc.p99 <= 5000 && docVsFloor >= 0.4,
      flag: [doc.problems, vDoc.problems, floor.problems].filter(Boolean).join('; '),
    }),
    row({
      row: 'conditional GET (304)',
      layout: L,
      figure: `${fmtNum(nm.rps)} req/s, p99 ${fmtUs(nm.p99)}`,
      peer: `our 200: ${fmtNum(doc.rps)}; bare node:http 304 ${fmtNum(floorNm.rps)} / 200 ${fmtNum(floorOk.rps)}`,
      ratio: `${fmtRatio(nm.rps / doc.rps)} (rounds ${perRound.map((r) => r.toFixed(2)).join('/')}), saves ${ourSaving.toFixed(2)} µs; floor ${fmtRatio(floorNm.rps / floorOk.rps)} (${floorRounds.map((r) => r.toFixed(2)).join('/')}), saves ${floorSaving.toFixed(2)} µs`,
      goal: '≥ 1.3× our 200 every run (where bare node:http gains < 1.3×: a 304 saving ≥ its saving)',
      // Where bare node:http itself gains less than 1.3× from a 304 on these documents, no Node
      // server can; nor can ours match its ratio, since the work both answers share (the log
      // line, the metrics) adds to both times. What a 304 must do is skip all the rest: it
      // passes when it saves, per request, at least the time bare node:http's 304 saves.
      pass:
        perRound.length > 0 &&
        (perRound.every((r) => r >= 1.3) || (floorNm.rps / floorOk.rps < 1.3 && ourSaving >= floorSaving)),
      flag: [nm.problems, doc.problems, floorNm.problems, floorOk.problems].filter(Boolean).join('; '),
    }),
    row({
      row: '304, documents of 20 versions',
      layout: L,
      figure: `${fmtNum(deepNm.rps)} req/s, p99 ${fmtUs(deepNm.p99)}`,
      peer: `our 200: ${fmtNum(deepDoc.rps)}`,
      ratio: `${fmtRatio(deepNm.rps / deepDoc.rps)} (rounds ${deepRounds.map((r) => r.toFixed(2)).join('/')})`,
      goal: '≥ 1.3× our 200, every run',
      pass: deepRounds.length > 0 && Math.min(...deepRounds) >= 1.3,
      flag: [deepNm.problems, deepDoc.problems].filter(Boolean).join('; '),
    }),
    row({
      row: 'tarball GET',
      layout: L,
      figure: `${fmtNum(tar.rps)} req/s, p99 ${fmtUs(tar.p99)}`,
      peer: `Verdaccio ${fmtNum(vTar.rps)}`,
      ratio: fmtRatio(tar.rps / vTar.rps),
      goal: '≥ 8× Verdaccio',
      pass: tar.rps / vTar.rps >= 8,
      flag: [tar.problems, vTar.problems].filter(Boolean).join('; '),
    }),
    row({
      row: 'RSS under load',
      layout: L,
      figure: `peak ${fmtMB(rssPeak)}`,
      peer: `Verdaccio ${fmtMB(vRss)}`,
      ratio: fmtRatio(rssPeak / vRss),
      goal: '≤ 150 MB',
      pass: rssPeak <= 150 * 1024 * 1024,
    }),
  ];
}
