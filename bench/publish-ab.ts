/**
 * Sequential publishes over HTTP against several builds of the registry, interleaved, so a
 * change is measured against its base in one run on one machine state:
 *
 *   npx tsx bench/publish-ab.ts --bins base=.bench/base/registry/dist/bin.js,new=registry/dist/bin.js
 *                               [--runs 300] [--rounds 3] [--stores sqlite,pg]
 *
 * Each build is the real `skills-registry serve --no-rate-limit` (a copy of `registry/dist` with
 * its `package.json` beside it, anywhere under the repository so it finds node_modules). Per
 * round, store and build (the order of builds alternates by round): a fresh data dir (and, on
 * PostgreSQL, a database created and dropped), 20 publishes that create the bundles, then `--runs`
 * new versions one after another from this process, as `bench/registry.ts` sends them. It prints
 * publishes/s, the client's p50 and the server's CPU per publish (all threads, and the main
 * thread alone, from /proc: 10 ms ticks, so only the mean over many publishes means anything),
 * then the medians per store and build.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { numberFlag } from './lib/args.ts';
import { generateBundles, skillTarball } from './lib/bundles.ts';
import { createPublisher, publishToOurs } from './lib/our-registry.ts';
import { makeRunDir, REPO_ROOT } from './lib/paths.ts';
import { createDatabase, dropDatabase, runDatabaseName } from './lib/pg.ts';
import { spawnUntil, stopChild } from './lib/proc.ts';
import { percentile } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    bins: { type: 'string' },
    runs: { type: 'string' },
    rounds: { type: 'string' },
    stores: { type: 'string' },
  },
});
const RUNS = numberFlag(values, 'runs', 300);
const ROUNDS = numberFlag(values, 'rounds', 3);
const STORES = (values.stores ?? 'sqlite,pg').split(',');
const builds = (values.bins ?? `new=${join('registry', 'dist', 'bin.js')}`).split(',').map((item) => {
  const [label, path] = item.split('=');
  if (!label || !path) throw new Error(`--bins: "${item}" is not LABEL=PATH`);
  return { label, bin: isAbsolute(path) ? path : join(REPO_ROOT, path) };
});
const bundles = generateBundles(20);

/** CPU ms used so far by process `pid`: all its threads, and its main thread. */
function cpuOf(pid: number): { all: number; main: number } {
  const ticks = (path: string) => {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  return { all: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
}

interface Figures {
  perSec: number;
  p50: number;
  cpuMs: number;
  mainCpuMs: number;
}

async function measure(bin: string, dataDir: string, databaseUrl?: string): Promise<Figures> {
  const args = [bin, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--no-rate-limit'];
  if (databaseUrl) args.push('--database-url', databaseUrl);
  const { child, match: url } = await spawnUntil(args, {
    ready: /^listening on (http:\/\/\S+)/,
    logFile: `${dataDir}.log`,
    cwd: REPO_ROOT,
    timeoutMs: 60_000,
  });
  try {
    const token = await createPublisher(url);
    const job = (i: number, patch: number) => {
      const b = bundles[i % bundles.length]!;
      return { name: b.name, tarball: skillTarball(b, `1.0.${patch}`) };
    };
    const publish = async ({ name, tarball }: { name: string; tarball: Buffer }) => {
      const status = await publishToOurs(url, token, name, tarball);
      if (status !== 201) throw new Error(`publish ${name}: HTTP ${status}`);
    };
    for (let i = 0; i < bundles.length; i++) await publish(job(i, 0));
    const jobs = Array.from({ length: RUNS }, (_, i) => job(i, 1 + Math.floor(i / bundles.length)));
    const cpu0 = cpuOf(child.pid!);
    const times: number[] = [];
    const t0 = performance.now();
    for (const j of jobs) {
      const t = performance.now();
      await publish(j);
      times.push(performance.now() - t);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuOf(child.pid!);
    return {
      perSec: RUNS / seconds,
      p50: percentile(times, 50),
      cpuMs: (cpu1.all - cpu0.all) / RUNS,
      mainCpuMs: (cpu1.main - cpu0.main) / RUNS,
    };
  } finally {
    await stopChild(child);
  }
}

const results = new Map<string, Figures[]>();
const run = await makeRunDir('publish-ab');
try {
  console.log(`load average at start: ${loadavg()[0]!.toFixed(2)}`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const store of STORES) {
      for (const { label, bin } of round % 2 ? [...builds].reverse() : builds) {
        const dataDir = join(run.dir, `${label}-${store}-${round}`);
        const db = store === 'pg' ? runDatabaseName('skills_bench_ab') : undefined;
        let f: Figures;
        try {
          f = await measure(bin, dataDir, db ? await createDatabase(db) : undefined);
        } finally {
          if (db) await dropDatabase(db);
        }
        const key = `${store} ${label}`;
        results.set(key, [...(results.get(key) ?? []), f]);
        console.log(
          `${key} round ${round}: ${f.perSec.toFixed(1)}/s, p50 ${f.p50.toFixed(2)} ms, server CPU ${f.cpuMs.toFixed(2)} ms (main thread ${f.mainCpuMs.toFixed(2)}) per publish, load ${loadavg()[0]!.toFixed(2)}`,
        );
      }
    }
  }
  console.log('\nmedians (every round in brackets):');
  for (const [key, fs] of results) {
    const median = (pick: (f: Figures) => number) => percentile(fs.map(pick), 50).toFixed(2);
    console.log(
      `${key}: ${median((f) => f.perSec)}/s [${fs.map((f) => f.perSec.toFixed(1)).join(' ')}], p50 ${median((f) => f.p50)} ms, server CPU ${median((f) => f.cpuMs)} ms (main thread ${median((f) => f.mainCpuMs)})`,
    );
  }
} finally {
  await run.remove();
}
