/**
 * `node --import tsx bench/lib/load-worker.ts JSON`: runs autocannon as load.ts asks and prints
 * one JSON LoadResult on stdout. A process of its own so the load generator shares nothing with
 * the servers or the orchestrating script.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadResult, WorkerInput } from './load.ts';

/** The part of autocannon 8's API used here (it ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; mean: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
const mod = (await import(pathToFileURL(join(input.autocannonDir, 'autocannon.js')).href)) as {
  default: Autocannon;
};
const autocannon = mod.default;

const base = {
  url: input.url,
  connections: input.connections,
  pipelining: 1,
  timeout: 10,
  requests: input.requests.map((r) => ({
    method: 'GET',
    path: r.path,
    ...(r.headers ? { headers: r.headers } : {}),
  })),
};
const warmup = input.warmupSec ?? 2;
if (warmup > 0) await autocannon({ ...base, duration: warmup });
const r = await autocannon({ ...base, duration: input.durationSec });
const statuses: Record<string, number> = {};
for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = s.count;
const result: LoadResult = {
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  mean: r.latency.mean,
  max: r.latency.max,
  total: r.requests.total,
  errors: r.errors,
  timeouts: r.timeouts,
  statuses,
  throughputBytesPerSec: r.throughput.average,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
