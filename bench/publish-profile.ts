/**
 * Where one publish's time goes (issue #11: ≥ 100 sequential publishes/s on both stores):
 *
 *   npx tsx --conditions=source bench/publish-profile.ts [--runs 300] [--no-pg] [--profile] [--statements] [--keep]
 *
 * Starts the registry in this process (`startServer`, the real worker pool, fs blob store and
 * signer, rate limits off as under `serve --no-rate-limit`) on SQLite and then on PostgreSQL
 * (a database of its own on the server `DATABASE_URL` names, dropped after), and drives it from
 * a client in a child process (`lib/publish-client.ts`), one PUT after another: a warm-up round
 * of 20 (they create the bundles), then `--runs` new versions. Per publish it prints the wall
 * time, the CPU of this process's main thread (the event loop) and of its other threads (upload
 * workers, libuv's pool), SQL statements run (SQLite) or queries sent (PostgreSQL: each one a
 * network round trip), and the wall time spent inside each store method, the upload pool, the
 * signer and the blob store. `--profile` also samples the main thread's CPU (node:inspector)
 * over the measured publishes and prints its hot spots; `--statements` prints the wall time of
 * each SQLite statement (by its SQL text) per publish.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BlobStore,
  createFsBlobStore,
  createWorkerPool,
  DEFAULT_SERVER_LIMITS,
  loadOrCreateSigner,
  startServer,
} from '@skills/registry';
import Database from 'better-sqlite3';
import pg from 'pg';
import { numberFlag } from './lib/args.ts';
import { printHotSpots, summarizeProfiles } from './lib/cpu-profile.ts';
import { makeRunDir } from './lib/paths.ts';
import { createDatabase, dropDatabase, pgProblem, runDatabaseName } from './lib/pg.ts';
import type { ClientJob } from './lib/publish-client.ts';
import { percentile } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    'no-pg': { type: 'boolean' },
    profile: { type: 'boolean' },
    statements: { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});
const RUNS = numberFlag(values, 'runs', 300);

/** What is counted while `counting` is on. */
const counters = { statements: 0, pgQueries: 0 };
let counting = false;
/** Wall ms and calls per section (store method, pool, signer, blob store). */
const sections = new Map<string, { ms: number; calls: number }>();
/** With `--statements`: wall ms and calls per SQLite statement, by its SQL text. */
const statementTimes = new Map<string, { ms: number; calls: number }>();

function countStatements(): void {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      if (!counting) return original.apply(this, args);
      counters.statements++;
      if (!values.statements) return original.apply(this, args);
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const s = statementTimes.get(this.source) ?? { ms: 0, calls: 0 };
        s.ms += performance.now() - t0;
        s.calls++;
        statementTimes.set(this.source, s);
      }
    };
  }
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    if (counting) counters.pgQueries++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** Wraps each function property of `target` so its calls' wall time adds up under `prefix.name`. */
function timeMethods(prefix: string, target: object, only?: readonly string[]): void {
  const record = target as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    const fn = record[name];
    if (typeof fn !== 'function' || (only && !only.includes(name))) continue;
    const key = `${prefix}.${name}`;
    record[name] = (...args: unknown[]) => {
      const start = performance.now();
      const add = () => {
        if (!counting) return;
        const s = sections.get(key) ?? { ms: 0, calls: 0 };
        s.ms += performance.now() - start;
        s.calls++;
        sections.set(key, s);
      };
      const out = (fn as (...a: unknown[]) => unknown).apply(target, args);
      if (out instanceof Promise) return out.finally(add);
      add();
      return out;
    };
  }
}

/** CPU ms of this process's main thread (Linux: /proc, clock ticks of 10 ms) and of the whole process. */
function cpuNow(): { main: number; all: number } {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const u = process.cpuUsage();
  return { main: ticks * 10, all: (u.user + u.system) / 1000 };
}

function startClient(): ChildProcess {
  return fork(new URL('./lib/publish-client.ts', import.meta.url), {
    execArgv: ['--import', 'tsx', '--conditions=source'],
    stdio: 'inherit',
  });
}

function runClient(client: ChildProcess, job: ClientJob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.once('message', (m: { times?: number[]; error?: string }) =>
      m.times ? resolve(m.times) : reject(new Error(m.error)),
    );
    client.send(job);
  });
}

interface Figures {
  store: string;
  perSec: number;
  wallMs: number;
  p50: number;
  mainCpuMs: number;
  otherCpuMs: number;
  statements: number;
  pgQueries: number;
}

async function measure(store: string, dataDir: string, databaseUrl?: string): Promise<Figures> {
  await mkdir(dataDir, { recursive: true });
  const pool = createWorkerPool({
    size: DEFAULT_SERVER_LIMITS.uploadWorkers,
    budgetMs: DEFAULT_SERVER_LIMITS.uploadTimeoutMs,
    queueLimit: DEFAULT_SERVER_LIMITS.uploadQueue,
  });
  const blobs: BlobStore = createFsBlobStore({ dir: join(dataDir, 'blobs') });
  const signer = await loadOrCreateSigner(dataDir);
  timeMethods('uploadPool', pool, ['run']);
  timeMethods('blobs', blobs, ['put', 'stage']);
  timeMethods('signer', signer, ['sign']);
  const server = await startServer({
    port: 0,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    rateLimits: false,
    users: [{ username: 'bench' }],
    deps: { uploadPool: pool, blobs, signer },
  });
  timeMethods('store', server.store);
  const client = startClient();
  try {
    const job = { url: server.url, token: server.tokens.bench!, count: 20 };
    await runClient(client, { ...job, round: 0 });
    sections.clear();
    statementTimes.clear();
    counters.statements = 0;
    counters.pgQueries = 0;
    const session = values.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpu0 = cpuNow();
    const t0 = performance.now();
    counting = true;
    const times = await runClient(client, { ...job, round: 1, count: RUNS });
    counting = false;
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuNow();
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      const dir = join(dataDir, 'profile');
      await mkdir(dir);
      await writeFile(join(dir, 'main.cpuprofile'), JSON.stringify(profile));
      session.disconnect();
      printHotSpots(`${store}: main thread over ${RUNS} publishes`, await summarizeProfiles(dir, 25));
    }
    const n = times.length;
    const mainCpu = (cpu1.main - cpu0.main) / n;
    return {
      store,
      perSec: n / seconds,
      wallMs: times.reduce((a, b) => a + b, 0) / n,
      p50: percentile(times, 50),
      mainCpuMs: mainCpu,
      otherCpuMs: (cpu1.all - cpu0.all) / n - mainCpu,
      statements: counters.statements / n,
      pgQueries: counters.pgQueries / n,
    };
  } finally {
    client.kill();
    await server.close();
  }
}

function print(f: Figures): void {
  const n = RUNS;
  console.log(`\n${f.store}: ${n} sequential publishes, ${f.perSec.toFixed(1)}/s`);
  console.log(`  wall ${f.wallMs.toFixed(2)} ms per publish (p50 ${f.p50.toFixed(2)}), seen by the client`);
  console.log(
    `  CPU ${f.mainCpuMs.toFixed(2)} ms main thread, ${f.otherCpuMs.toFixed(2)} ms other threads, per publish`,
  );
  console.log(
    f.store === 'PostgreSQL'
      ? `  ${f.pgQueries.toFixed(1)} queries (round trips) per publish`
      : `  ${f.statements.toFixed(1)} SQL statements per publish`,
  );
  console.log('  wall ms per publish inside (calls per publish):');
  for (const [key, s] of [...sections].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`    ${(s.ms / n).toFixed(2).padStart(7)}  ${key} (${(s.calls / n).toFixed(1)})`);
  }
  if (statementTimes.size === 0) return;
  console.log('  wall ms per publish inside each SQLite statement (calls per publish):');
  for (const [source, s] of [...statementTimes].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(
      `    ${(s.ms / n).toFixed(3).padStart(7)}  (${(s.calls / n).toFixed(1)}) ${source.slice(0, 110)}`,
    );
  }
}

countStatements();
const run = await makeRunDir('publish-profile');
try {
  print(await measure('SQLite', join(run.dir, 'sqlite')));
  const problem = values['no-pg'] ? 'skipped (--no-pg)' : await pgProblem();
  if (problem) console.log(`\nPostgreSQL: ${problem}`);
  else {
    const db = runDatabaseName('skills_bench_pubprof');
    try {
      sections.clear();
      print(await measure('PostgreSQL', join(run.dir, 'pg'), await createDatabase(db)));
    } finally {
      await dropDatabase(db);
    }
  }
} finally {
  if (values.keep) console.error(`kept ${run.dir}`);
  else await run.remove();
}
