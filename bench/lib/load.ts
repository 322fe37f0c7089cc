import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { timeCommand } from './proc.ts';
import { AUTOCANNON, ensureTool } from './tools.ts';

export interface LoadRequest {
  path: string;
  headers?: Record<string, string>;
}

/** One load run: `connections` keep-alive connections cycling through `requests` for `durationSec`. */
export interface LoadSpec {
  url: string;
  requests: LoadRequest[];
  connections: number;
  durationSec: number;
  /** An unmeasured run first, for JIT and caches; default 2 s. */
  warmupSec?: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  total: number;
  errors: number;
  timeouts: number;
  /** Responses by status code, e.g. `{ "200": 51234 }`. */
  statuses: Record<string, number>;
  throughputBytesPerSec: number;
}

/** The worker's input: the spec and where autocannon is installed. */
export interface WorkerInput extends LoadSpec {
  autocannonDir: string;
}

/**
 * Runs autocannon in its own process (`load-worker.ts`), never in the process of a server or of
 * this script, and returns its figures. Bounded by the duration plus a margin.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const autocannonDir = await ensureTool(AUTOCANNON);
  const input: WorkerInput = { ...spec, autocannonDir };
  const run = await timeCommand(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'lib', 'load-worker.ts'), JSON.stringify(input)],
    { cwd: REPO_ROOT, timeoutMs: (spec.durationSec + (spec.warmupSec ?? 2) + 60) * 1000 },
  );
  return JSON.parse(run.stdout) as LoadResult;
}

/**
 * Checks that every response had the expected status; throws naming what came back otherwise.
 * Socket errors and timeouts (no response within 10 s) are not thrown: they are counted in the
 * result and reported next to the figures.
 */
export function expectOnly(result: LoadResult, status: number, what: string): LoadResult {
  const other = Object.entries(result.statuses).filter(([code]) => code !== String(status));
  if (other.length > 0 || result.total === 0) {
    throw new Error(
      `${what}: expected only ${status}, got ${JSON.stringify(result.statuses)}, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result;
}
