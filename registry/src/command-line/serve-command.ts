import { parseArgs } from 'node:util';
import type { RateLimitRule } from '../deps.ts';
import { marketplaceConfigProblem } from '../domain/marketplace-catalog.ts';
import { parsePort, parseSeconds, startServer, withEnvironment } from '../server.ts';
import { LIMIT_SETTINGS, parseLimits, type ServerLimits } from '../server-limits.ts';
import { type CliIo, CliUsageError } from './io.ts';
import { createLogWriter } from './log-writer.ts';

/**
 * `skills-registry serve`: listens until SIGTERM/SIGINT, then drains and returns 0. The first
 * stdout line is `listening on http://HOST:PORT`; request logs go to stderr as JSON lines.
 */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  // Listen for the signal before anything is printed: a supervisor may send it right after.
  const stopped = io.stopSignal();
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'blob-store': { type: 'string' },
      'public-url': { type: 'string' },
      'signing-key': { type: 'string' },
      'drain-delay': { type: 'string' },
      seed: { type: 'string' },
      'no-signup': { type: 'boolean' },
      'no-rate-limit': { type: 'boolean' },
      'marketplace-name': { type: 'string' },
      'marketplace-owner': { type: 'string' },
      'marketplace-size': { type: 'string' },
      ...Object.fromEntries(LIMIT_SETTINGS.map((s) => [s.flag, { type: 'string' as const }])),
      'search-limit': { type: 'string' },
      'heap-growth': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
    },
    strict: true,
  });
  let port: number | undefined;
  let limits: Partial<ServerLimits>;
  let drainDelayMs: number | undefined;
  try {
    port = values.port === undefined ? undefined : parsePort(values.port);
    const given = values as Record<string, string | undefined>;
    const byFlag = Object.fromEntries(LIMIT_SETTINGS.map((s) => [`--${s.flag}`, given[s.flag]]));
    limits = parseLimits(byFlag, (s) => `--${s.flag}`);
    if (values['drain-delay'] !== undefined) drainDelayMs = parseSeconds(values['drain-delay']) * 1000;
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
  const marketplace = {
    ...(values['marketplace-name'] !== undefined ? { name: values['marketplace-name'] } : {}),
    ...(values['marketplace-owner'] !== undefined ? { owner: values['marketplace-owner'] } : {}),
    ...(values['marketplace-size'] !== undefined ? { size: Number(values['marketplace-size']) } : {}),
  };
  const problem = marketplaceConfigProblem(marketplace);
  if (problem) throw new CliUsageError(problem);
  const search = searchLimit(values['search-limit'] ?? io.env.SKILLS_SEARCH_LIMIT);
  const heapGrowth = heapGrowthPercent(values['heap-growth'], io.env.SKILLS_HEAP_GROWTH);
  const options = withEnvironment(
    {
      ...(values.host ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
      ...(values['blob-store'] ? { blobStore: values['blob-store'] } : {}),
      ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
      ...(values['signing-key'] ? { signingKey: values['signing-key'] } : {}),
      ...(drainDelayMs !== undefined ? { drainDelayMs } : {}),
      ...(values.seed ? { seedDir: values.seed } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      ...(values['trust-proxy'] || io.env.SKILLS_TRUST_PROXY === '1' ? { deps: { trustProxy: true } } : {}),
      ...(values['no-signup'] || io.env.SKILLS_SIGNUP === 'closed' ? { signup: false } : {}),
      ...(values['no-rate-limit'] || io.env.SKILLS_RATE_LIMIT === 'off'
        ? { rateLimits: false as const }
        : search
          ? { rateLimits: { search } }
          : {}),
      ...(Object.keys(marketplace).length > 0 ? { marketplace } : {}),
    },
    io.env,
  );
  // Log lines are batched (one stderr write per event-loop turn, not per request); every exit
  // path below flushes what is queued.
  const logs = createLogWriter(io.stderr);
  if (heapGrowth > 0) io.setV8Flags?.(`--heap-growing-percent=${heapGrowth}`);
  try {
    const server = await startServer({ ...options, log: logs.write });
    io.stdout(`listening on ${server.url}\n`);
    const signal = await stopped;
    logs.write({ level: 'info', msg: 'stopping', signal });
    logs.flush();
    await server.close();
    return 0;
  } finally {
    logs.flush();
  }
}

/** `--search-limit N`: N searches a minute per client address, N of them in a burst. */
function searchLimit(text: string | undefined): RateLimitRule | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!/^\d{1,7}$/.test(text) || n < 1) {
    throw new CliUsageError(
      `--search-limit must be a whole number of searches a minute (1 or more), not "${text}"`,
    );
  }
  // Leased a twelfth at a time (as the default, 10 of 120): one write per lease, not per search.
  return { capacity: n, refillMs: 60_000 / n, lease: Math.max(1, Math.floor(n / 12)) };
}

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent,
 * before it collects again. V8's own choice (0 here) goes up to 4x on a machine with memory to
 * spare: a registry keeps ~20 MB alive, so under steady traffic its heap swung to ~90 MB before
 * each collection (RSS 151-178 MB over 40k cached searches a second on SQLite, 143-146 MB at 100).
 */
export const DEFAULT_HEAP_GROWTH = 100;
const MAX_HEAP_GROWTH = 400;

/** `--heap-growth PERCENT`, else `SKILLS_HEAP_GROWTH`, else `DEFAULT_HEAP_GROWTH`. */
function heapGrowthPercent(flag: string | undefined, env: string | undefined): number {
  const [name, text] = flag !== undefined ? ['--heap-growth', flag] : ['SKILLS_HEAP_GROWTH', env];
  if (text === undefined || text === '') return DEFAULT_HEAP_GROWTH;
  const n = Number(text);
  if (!/^\d{1,3}$/.test(text) || n > MAX_HEAP_GROWTH) {
    throw new CliUsageError(
      `${name} must be a whole number of percent from 0 (V8's own choice) to ${MAX_HEAP_GROWTH}, not "${text.slice(0, 40)}"`,
    );
  }
  return n;
}
