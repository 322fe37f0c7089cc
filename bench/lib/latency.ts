import { Agent, request } from 'node:http';
import { percentile } from './stats.ts';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

/**
 * One client, one keep-alive connection, requests strictly one after another: the latency a
 * single user sees, without queueing behind other connections. Stops after `maxRequests` or
 * `maxMs`, whichever comes first.
 */
export async function sequentialLatency(
  origin: string,
  paths: readonly string[],
  opts: { maxRequests: number; maxMs: number; warmup?: number },
): Promise<LatencySummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: Record<string, number> = {};
  const times: number[] = [];
  try {
    for (let i = 0; i < (opts.warmup ?? 50); i++) await get(agent, origin + paths[i % paths.length]!);
    const deadline = performance.now() + opts.maxMs;
    for (let i = 0; i < opts.maxRequests && performance.now() < deadline; i++) {
      const start = performance.now();
      const status = await get(agent, origin + paths[i % paths.length]!);
      times.push(performance.now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  } finally {
    agent.destroy();
  }
  return {
    count: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: Math.max(...times),
    statuses,
  };
}

function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.once('error', reject);
    req.end();
  });
}
