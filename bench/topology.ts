/**
 * `npx tsx bench/topology.ts`: the deployments of `docs/operating.md` side by side in one run
 * (issue #10's figures): document GET, tarball GET and sequential publishes on SQLite + files,
 * PostgreSQL + files and PostgreSQL + S3 (Ceph RGW) with one process, then PostgreSQL + S3 with
 * one and with two processes behind HAProxy. Every process is the built `skills-registry serve`
 * (rate limits off: the load is one client), each deployment with its own PostgreSQL database
 * and bucket, created for the run and dropped after it. GETs are measured in interleaved rounds
 * (`lib/rounds.ts`, shared cores: one box runs everything, as a small deployment would); the
 * figures are medians, and ratios are against SQLite + files in the same run.
 *
 * Needs PostgreSQL (`DATABASE_URL`, default the local one), Ceph RGW (`scripts/s3/start-ceph.sh`;
 * `SKILLS_TEST_S3` names its env file) and haproxy; rows without them say why. HAProxy and the
 * buckets come from the scale-out tests' own helpers (`registry/test/helpers/cluster.ts`,
 * `s3-world.ts`), so the benchmark deploys exactly what those tests prove.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, haveHaproxy, startHaproxy } from '../registry/test/helpers/cluster.ts';
import { createTestBucket, type S3TestServer, s3TestServer } from '../registry/test/helpers/s3-world.ts';
import { numberFlag, parseBenchArgs } from './lib/args.ts';
import { generateBundles, skillTarball } from './lib/bundles.ts';
import { gitCommit, machineLine, warnIfBusy } from './lib/machine.ts';
import { createPublisher, publishAllToOurs, publishToOurs, startOurRegistry } from './lib/our-registry.ts';
import { makeRunDir } from './lib/paths.ts';
import { createDatabase, dropDatabase, pgProblem, runDatabaseName } from './lib/pg.ts';
import type { ServerProcess } from './lib/proc.ts';
import { type PublishTiming, timePublishes } from './lib/publish-rows.ts';
import { layouts, runRounds, summarize, type Target } from './lib/rounds.ts';
import { fmtMs, fmtNum, fmtRatio, printTable } from './lib/stats.ts';
import { fmtUs } from './lib/wrk.ts';

const flags = parseBenchArgs(['duration', 'rounds', 'warmup', 'publishes', 'publish-seconds'], ['keep']);
if (flags.help) {
  console.log(
    'usage: npx tsx bench/topology.ts [--duration 5] [--rounds 3] [--warmup 2] [--publishes 300] [--publish-seconds 10] [--keep]',
  );
  process.exit(0);
}
const DURATION = numberFlag(flags, 'duration', 5);
const ROUNDS = numberFlag(flags, 'rounds', 3);
const WARMUP = numberFlag(flags, 'warmup', 2);
const PUBLISHES = numberFlag(flags, 'publishes', 300);
const PUBLISH_MS = numberFlag(flags, 'publish-seconds', 10) * 1000;

interface Deployment {
  label: string;
  /** The URL clients use: the process, or HAProxy in front of the processes. */
  server: Pick<ServerProcess, 'url' | 'pid'>;
  docPaths: string[];
  tarPaths: string[];
  token: string;
}

const bundles = generateBundles(20);
const run = await makeRunDir('skills-bench-topology-');
const cleanups: (() => Promise<void>)[] = [];
const skipped: string[] = [];
warnIfBusy();
console.log(
  `Topology benchmark, ${new Date().toISOString()}, commit ${gitCommit()}, Node ${process.version}`,
);
console.log(`machine at start: ${machineLine()}`);

/** Starts `count` processes on one store and blob store, behind HAProxy when `proxied`, with the 20 bundles. */
async function deploy(
  label: string,
  opts: {
    count: number;
    proxied: boolean;
    databaseUrl?: string;
    blobStore?: string;
    env?: Record<string, string>;
  },
): Promise<Deployment> {
  const dataDir = join(run.dir, label.replace(/\W+/g, '-'));
  await mkdir(dataDir, { recursive: true });
  const processes: ServerProcess[] = [];
  for (let i = 0; i < opts.count; i++) {
    const p = await startOurRegistry({
      dataDir,
      logFile: join(run.dir, `${label.replace(/\W+/g, '-')}-${i}.log`),
      noRateLimits: true,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
      ...(opts.blobStore ? { blobStore: opts.blobStore } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    });
    processes.push(p);
    cleanups.push(() => p.stop());
  }
  let server: Deployment['server'] = processes[0]!;
  if (opts.proxied) {
    // The scale-out tests' HAProxy: docs/operating.md's configuration, health checks every 200 ms.
    const proxy = await startHaproxy(
      processes.map((p) => Number(new URL(p.url).port)),
      run.dir,
      await freePort(),
    );
    cleanups.push(proxy.stop);
    server = proxy;
  }
  const token = await createPublisher(server.url);
  await publishAllToOurs(
    server.url,
    token,
    bundles.map((b) => ({ name: b.name, tarball: skillTarball(b) })),
  );
  const docPaths = bundles.map((b) => `/v1/bundles/${b.name}`);
  const tarPaths: string[] = [];
  for (const path of docPaths) {
    const res = await fetch(server.url + path);
    if (res.status !== 200) throw new Error(`${label}: GET ${path}: HTTP ${res.status}`);
    const doc = (await res.json()) as { versions: Record<string, { tarball: string }> };
    tarPaths.push(new URL(doc.versions['1.0.0']!.tarball).pathname);
  }
  return { label, server, docPaths, tarPaths, token };
}

/** Distinct versions of the 20 bundles, one after another, up to `PUBLISHES` or `PUBLISH_MS`. */
function publishes(d: Deployment): Promise<PublishTiming> {
  return timePublishes(PUBLISHES, PUBLISH_MS, async (i) => {
    const b = bundles[i % bundles.length]!;
    const tarball = skillTarball(b, `1.1.${Math.floor(i / bundles.length)}`);
    const status = await publishToOurs(d.server.url, d.token, b.name, tarball);
    if (status !== 201) throw new Error(`${d.label}: publish ${b.name} #${i}: HTTP ${status}`);
  });
}

/** The S3 server of `SKILLS_TEST_S3`, else of the env file `scripts/s3/start-ceph.sh` writes by default. */
function s3(env: NodeJS.ProcessEnv = process.env): S3TestServer | string {
  const file = env.SKILLS_TEST_S3 || '/tmp/skills-ceph-s3/s3.env';
  if (!existsSync(file)) return `no S3 server: ${file} is missing (run scripts/s3/start-ceph.sh)`;
  return s3TestServer({ SKILLS_TEST_S3: file }) ?? `no S3 server in ${file}`;
}

try {
  const deployments: Deployment[] = [await deploy('SQLite + files', { count: 1, proxied: false })];
  const pgWhy = await pgProblem();
  if (pgWhy) skipped.push(`PostgreSQL rows: ${pgWhy}`);
  const s3Server = s3();
  if (typeof s3Server === 'string') skipped.push(`S3 rows: ${s3Server}`);
  if (!haveHaproxy) skipped.push('HAProxy rows: no haproxy (apt-get install haproxy)');
  const database = async () => {
    const name = runDatabaseName('skills_bench_topo');
    const url = await createDatabase(name);
    cleanups.push(() => dropDatabase(name));
    return url;
  };
  const bucket = async (server: S3TestServer) => {
    const b = await createTestBucket(server);
    cleanups.push(b.drop);
    return { blobStore: b.url, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } };
  };
  if (!pgWhy) {
    deployments.push(
      await deploy('PostgreSQL + files', { count: 1, proxied: false, databaseUrl: await database() }),
    );
    if (typeof s3Server !== 'string') {
      const s3Deployments: [string, number, boolean][] = [['PostgreSQL + S3', 1, false]];
      if (haveHaproxy)
        s3Deployments.push(
          ['PostgreSQL + S3, HAProxy, 1 process', 1, true],
          ['PostgreSQL + S3, HAProxy, 2 processes', 2, true],
        );
      for (const [label, count, proxied] of s3Deployments)
        deployments.push(
          await deploy(label, { count, proxied, databaseUrl: await database(), ...(await bucket(s3Server)) }),
        );
    }
  }

  const targets: Target[] = deployments.flatMap((d) => [
    { label: `${d.label}: doc`, server: d.server, requests: d.docPaths.map((path) => ({ path })) },
    { label: `${d.label}: tarball`, server: d.server, requests: d.tarPaths.map((path) => ({ path })) },
  ]);
  const shared = layouts().find((l) => l.name === 'shared')!;
  const results = await runRounds(targets, {
    layout: shared,
    rounds: ROUNDS,
    durationSec: DURATION,
    warmupSec: WARMUP,
    connections: 32,
    threads: 2,
  });
  console.error(`publishes: up to ${PUBLISHES} per deployment, at most ${PUBLISH_MS / 1000} s each`);
  const published = new Map<string, PublishTiming>();
  for (const d of deployments) published.set(d.label, await publishes(d));

  console.log(`machine at end:   ${machineLine()}`);
  console.log(
    `wrk -t2 -c32 over the 20 documents (tarballs), ${ROUNDS} interleaved round(s) of ${DURATION} s, medians; publishes sequential, one client\n`,
  );
  const base = {
    doc: summarize(results.get('SQLite + files: doc')).rps,
    tar: summarize(results.get('SQLite + files: tarball')).rps,
    pub: published.get('SQLite + files')!.perSec,
  };
  const table = [
    [
      'deployment',
      'doc GET req/s',
      'p99',
      'tarball req/s',
      'p99',
      'publishes/s',
      'p50',
      'vs SQLite + files (doc / tarball / publish)',
      'problems',
    ],
  ];
  for (const d of deployments) {
    const doc = summarize(results.get(`${d.label}: doc`));
    const tar = summarize(results.get(`${d.label}: tarball`));
    const pub = published.get(d.label)!;
    table.push([
      d.label,
      fmtNum(doc.rps),
      fmtUs(doc.p99),
      fmtNum(tar.rps),
      fmtUs(tar.p99),
      `${pub.perSec.toFixed(1)} (${pub.count})`,
      fmtMs(pub.p50),
      `${fmtRatio(doc.rps / base.doc)} / ${fmtRatio(tar.rps / base.tar)} / ${fmtRatio(pub.perSec / base.pub)}`,
      [doc.problems, tar.problems].filter(Boolean).join('; ') || '0',
    ]);
  }
  printTable(table);
  for (const s of skipped) console.log(`not measured: ${s}`);
} finally {
  for (const c of cleanups.reverse()) await c().catch((e: Error) => console.error(`cleanup: ${e.message}`));
  if (flags.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}
