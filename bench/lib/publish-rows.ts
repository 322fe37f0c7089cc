import { join } from 'node:path';
import { type GeneratedBundle, skillTarball } from './bundles.ts';
import { createPublisher, publishToOurs, startOurRegistry } from './our-registry.ts';
import { createDatabase, dropDatabase, pgProblem, runDatabaseName } from './pg.ts';
import { type Row, row } from './rows.ts';
import { fmtMs, fmtNum, percentile, printTable } from './stats.ts';
import { createVerdaccioUser, putToVerdaccio, startVerdaccio, verdaccioPublishBody } from './verdaccio.ts';

/**
 * Sequential publishes (issue #11: ≥ 100/s on SQLite and on PostgreSQL): distinct versions of
 * the 20 bundles, strictly one after another from one client, tarballs packed beforehand, up to
 * `count` or `maxMs`. Ours runs `serve --no-rate-limit` (the per-user publish limit, 60 in a
 * burst, would measure the limiter); on PostgreSQL in a database created for this run and dropped
 * after it. Verdaccio gets the same sequence, as the peer.
 */

export interface PublishTiming {
  count: number;
  perSec: number;
  p50: number;
  p99: number;
}

const GOAL = 100;

export async function publishRows(opts: {
  runDir: string;
  bundles: readonly GeneratedBundle[];
  count: number;
  maxMs: number;
  noPg: boolean;
}): Promise<{ rows: Row[]; print(): void }> {
  const jobs = Array.from({ length: opts.count }, (_, i) => {
    const b = opts.bundles[i % opts.bundles.length]!;
    return { b, version: `1.0.${Math.floor(i / opts.bundles.length)}` };
  });
  const tarballs = jobs.map(({ b, version }) => ({ name: b.name, tarball: skillTarball(b, version) }));
  const ours = async (label: string, databaseUrl?: string): Promise<PublishTiming> => {
    const server = await startOurRegistry({
      dataDir: join(opts.runDir, `publish-${label}`),
      logFile: join(opts.runDir, `publish-${label}.log`),
      noRateLimits: true,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
    try {
      const token = await createPublisher(server.url);
      return await timePublishes(tarballs.length, opts.maxMs, async (i) => {
        const { name, tarball } = tarballs[i]!;
        const status = await publishToOurs(server.url, token, name, tarball);
        if (status !== 201) throw new Error(`publish ${name} #${i} (${label}): HTTP ${status}`);
      });
    } finally {
      await server.stop();
    }
  };

  console.error(`publishes: up to ${opts.count}, sequential, at most ${opts.maxMs / 1000} s per server`);
  const results: { what: string; t: PublishTiming | undefined; why?: string }[] = [];
  results.push({ what: 'ours, SQLite', t: await ours('sqlite') });
  const problem = opts.noPg ? 'skipped (--no-pg)' : await pgProblem();
  if (problem) results.push({ what: 'ours, PostgreSQL', t: undefined, why: problem });
  else {
    const db = runDatabaseName('skills_bench_pub');
    try {
      results.push({ what: 'ours, PostgreSQL', t: await ours('pg', await createDatabase(db)) });
    } finally {
      await dropDatabase(db);
    }
  }
  const verdaccio = await startVerdaccio({
    dir: join(opts.runDir, 'publish-verdaccio'),
    logFile: join(opts.runDir, 'publish-verdaccio.log'),
  });
  try {
    const token = await createVerdaccioUser(verdaccio.url);
    const bodies = jobs.map(({ b, version }) => ({
      name: b.name,
      body: verdaccioPublishBody(verdaccio.url, b, version),
    }));
    results.push({
      what: 'Verdaccio',
      t: await timePublishes(jobs.length, opts.maxMs, async (i) => {
        const { name, body } = bodies[i]!;
        await putToVerdaccio(verdaccio.url, token, name, body);
      }),
    });
  } finally {
    await verdaccio.stop();
  }
  for (const r of results) {
    if (r.t) console.error(`  ${r.what}: ${fmtNum(r.t.perSec, 1)}/s (${r.t.count}), p50 ${fmtMs(r.t.p50)}`);
  }

  const peer = results.find((r) => r.what === 'Verdaccio')?.t;
  const rows = results
    .filter((r) => r.what !== 'Verdaccio')
    .map((r) =>
      row({
        row: `publishes, sequential, ${r.what.replace('ours, ', '')}`,
        figure: r.t
          ? `${fmtNum(r.t.perSec, 1)}/s (p50 ${fmtMs(r.t.p50)}, p99 ${fmtMs(r.t.p99)})`
          : (r.why ?? ''),
        peer: peer ? `Verdaccio ${fmtNum(peer.perSec, 1)}/s` : '',
        ratio: r.t && peer ? `${(r.t.perSec / peer.perSec).toFixed(2)}×` : '',
        goal: `≥ ${GOAL}/s`,
        pass: r.t ? r.t.perSec >= GOAL : null,
      }),
    );
  const print = () => {
    console.log('');
    printTable([
      ['sequential publishes', 'count', 'per s', 'p50', 'p99'],
      ...results.map((r) =>
        r.t
          ? [r.what, String(r.t.count), fmtNum(r.t.perSec, 1), fmtMs(r.t.p50), fmtMs(r.t.p99)]
          : [r.what, r.why ?? '', '', '', ''],
      ),
    ]);
  };
  return { rows, print };
}

/** Runs `publish(i)` for i = 0… one after another until `count` or `maxMs`. */
export async function timePublishes(
  count: number,
  maxMs: number,
  publish: (i: number) => Promise<void>,
): Promise<PublishTiming> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count && performance.now() - start < maxMs; i++) {
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
