import type { Store } from '@skills/registry';
import { searchApp } from './search-app.ts';
import { percentile } from './stats.ts';

export interface KindLatency {
  kind: string;
  p50: number;
  p95: number;
  count: number;
  /** The `total` each query of the kind answered (the same on every round). */
  totals: number[];
}

/**
 * In-process latency of `GET /v1/search` per query kind: `app.request()` on an app over `store`
 * (rate limits off), so route, service, store and JSON are measured without the network and
 * without a load generator sharing the cores. Each round sends every query of a kind once.
 * With the store's search cache off (`searchCache: false`) every request reaches the database;
 * with it on, the first round fills it and the rest are hits.
 */
export async function searchLatencyByKind(
  store: Store,
  queries: readonly { kind: string; path: string }[],
  opts: { rounds: number; warmup?: number },
): Promise<KindLatency[]> {
  const get = searchApp(store);
  const out: KindLatency[] = [];
  for (const kind of new Set(queries.map((q) => q.kind))) {
    const paths = queries.filter((q) => q.kind === kind).map((q) => q.path);
    const totals: number[] = [];
    for (const path of paths) totals.push((await get(path)).total);
    for (let i = 0; i < (opts.warmup ?? 2); i++) for (const path of paths) await get(path);
    const times: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const path of paths) {
        const start = performance.now();
        await get(path);
        times.push(performance.now() - start);
      }
    }
    out.push({ kind, p50: percentile(times, 50), p95: percentile(times, 95), count: times.length, totals });
  }
  return out;
}
