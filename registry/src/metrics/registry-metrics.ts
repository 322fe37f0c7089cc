import { createMetricsRegistry } from './prometheus.ts';

/** Request duration buckets, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Methods kept as a label value; anything else counts as `OTHER`, so clients cannot add series. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * What the registry counts, per process (Prometheus adds up the processes). Each call is a Map
 * lookup and an addition; `render` builds the exposition text when `/metrics` is scraped.
 */
export interface RegistryMetrics {
  /** A finished request; `route` is the matched route pattern (`/v1/bundles/:name`), never the path. */
  request(method: string, route: string, status: number, seconds: number): void;
  publish(result: 'ok' | 'refused'): void;
  /** An error answer, by its code (`INVALID_BUNDLE`, …). */
  error(code: string): void;
  download(): void;
  render(): string;
}

/** @example const metrics = createRegistryMetrics(); metrics.download(); metrics.render() */
export function createRegistryMetrics(): RegistryMetrics {
  const registry = createMetricsRegistry();
  const requests = registry.counter({
    name: 'skills_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
  });
  const durations = registry.histogram({
    name: 'skills_http_request_duration_seconds',
    help: 'Time from the first middleware to the answer, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS,
  });
  const publishes = registry.counter({
    name: 'skills_publishes_total',
    help: 'Publish requests, by result: ok (201) or refused (any error answer).',
    labelNames: ['result'],
  });
  publishes.inc(['ok'], 0);
  publishes.inc(['refused'], 0);
  const errors = registry.counter({
    name: 'skills_errors_total',
    help: 'Error answers, by error code.',
    labelNames: ['code'],
  });
  const downloads = registry.counter({
    name: 'skills_downloads_total',
    help: 'Tarballs served with a 200.',
  });
  registry.gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident set size in bytes.',
    read: () => process.memoryUsage.rss(),
  });
  registry.gauge({
    name: 'nodejs_heap_used_bytes',
    help: 'V8 heap in use, in bytes.',
    read: () => process.memoryUsage().heapUsed,
  });
  registry.gauge({
    name: 'process_uptime_seconds',
    help: 'Seconds since the process started.',
    read: () => process.uptime(),
  });

  return {
    request(method, route, status, seconds) {
      const m = METHODS.has(method) ? method : 'OTHER';
      requests.inc([m, route, String(status)]);
      durations.observe([m, route], seconds);
    },
    publish(result) {
      publishes.inc([result]);
    },
    error(code) {
      errors.inc([code]);
    },
    download() {
      downloads.inc();
    },
    render: () => registry.render(),
  };
}
