import { availableParallelism } from 'node:os';
import { pinProcess, type ServerProcess } from './proc.ts';
import { sampleRss } from './rss.ts';
import { median } from './stats.ts';
import { failureText, fmtUs, runWrk, type WrkRequest, type WrkResult } from './wrk.ts';

/**
 * Interleaved rounds (issue #11): every target of a scenario measured once per round, in turn
 * (ours, Verdaccio, floor, ours, Verdaccio, floor, …), so a burst of load from elsewhere on the
 * machine lands on all of them rather than on one; medians over the rounds. Two core layouts:
 * `shared` (servers and wrk on every core, as a single-box deployment runs) and `pinned` (each
 * server on core 0, wrk on core 1: the server gets one whole core, the generator the other).
 */

export interface Layout {
  name: 'shared' | 'pinned';
  /** `taskset` CPU list for the servers. */
  serverCpus: string;
  /** `taskset` CPU list for wrk; unset: anywhere. */
  wrkCpus?: string;
}

export function layouts(): Layout[] {
  const n = availableParallelism();
  const all = n > 1 ? `0-${n - 1}` : '0';
  return [
    { name: 'shared', serverCpus: all },
    { name: 'pinned', serverCpus: '0', ...(n > 1 ? { wrkCpus: '1' } : {}) },
  ];
}

export interface Target {
  label: string;
  /** What is loaded (its URL), pinned and sampled (its pid). */
  server: Pick<ServerProcess, 'url' | 'pid'>;
  requests: WrkRequest[];
  /**
   * Called before each run (warm-up included) for requests that must be fresh, e.g. each
   * document's current ETag (it includes the download count, so tarball runs change it).
   */
  prepare?: () => Promise<WrkRequest[]>;
  /** A reason the answers were not what this target expects, beyond wrk's own error counts. */
  check?: (r: WrkResult) => string | undefined;
}

export interface Sample {
  result: WrkResult;
  rssPeak: number;
  /** Why this run's figure is not to be trusted (errors, non-2xx/3xx, wrong answers); '' when fine. */
  problem: string;
}

export interface RoundsOptions {
  layout: Layout;
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  threads: number;
}

/** Runs wrk against one target, sampling the server's RSS meanwhile. */
export async function measureOnce(
  t: Target,
  opts: Pick<RoundsOptions, 'layout' | 'durationSec' | 'connections' | 'threads'>,
): Promise<Sample> {
  const requests = t.prepare ? await t.prepare() : t.requests;
  const sampler = sampleRss(t.server.pid);
  const result = await runWrk({
    url: t.server.url,
    requests,
    durationSec: opts.durationSec,
    connections: opts.connections,
    threads: opts.threads,
    ...(opts.layout.wrkCpus ? { cpus: opts.layout.wrkCpus } : {}),
  });
  const { peak } = sampler.stop();
  const problem = [failureText(result), t.check?.(result) ?? '', result.requests === 0 ? 'no requests' : '']
    .filter(Boolean)
    .join('; ');
  return { result, rssPeak: peak, problem };
}

/** Pins the servers for the layout, warms each target up once, then runs the interleaved rounds. */
export async function runRounds(
  targets: readonly Target[],
  opts: RoundsOptions,
): Promise<Map<string, Sample[]>> {
  for (const pid of new Set(targets.map((t) => t.server.pid))) await pinProcess(pid, opts.layout.serverCpus);
  for (const t of targets) {
    if (opts.warmupSec > 0) await measureOnce(t, { ...opts, durationSec: opts.warmupSec });
  }
  const out = new Map<string, Sample[]>(targets.map((t) => [t.label, []]));
  for (let r = 0; r < opts.rounds; r++) {
    for (const t of targets) {
      const s = await measureOnce(t, opts);
      out.get(t.label)!.push(s);
      console.error(
        `  [${opts.layout.name} ${r + 1}/${opts.rounds}] ${t.label}: ${Math.round(s.result.rps).toLocaleString('en-US')} req/s, p50 ${fmtUs(s.result.latency.p50)}, p99 ${fmtUs(s.result.latency.p99)}${s.problem ? `, ${s.problem}` : ''}`,
      );
    }
  }
  return out;
}

/** Medians over a target's rounds, the problems of any round, and its peak RSS. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  rssPeak: number;
  rounds: number;
  problems: string;
}

export function summarize(samples: readonly Sample[] | undefined): Summary {
  const s = samples ?? [];
  return {
    rps: median(s.map((x) => x.result.rps)),
    p50: median(s.map((x) => x.result.latency.p50)),
    p99: median(s.map((x) => x.result.latency.p99)),
    p999: median(s.map((x) => x.result.latency.p999)),
    rssPeak: maxOf(s.map((x) => x.rssPeak)),
    rounds: s.length,
    problems: s
      .map((x, i) => (x.problem ? `round ${i + 1}: ${x.problem}` : ''))
      .filter(Boolean)
      .join('; '),
  };
}

/** The largest finite value; NaN when there is none. */
export function maxOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : Number.NaN;
}
