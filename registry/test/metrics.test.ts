import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMetricsRegistry } from '../src/metrics/prometheus.ts';
import { createRegistryMetrics, DURATION_BUCKETS } from '../src/metrics/registry-metrics.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/** `GET /metrics`: Prometheus text format 0.0.4, counted by route pattern, never by raw path. */

let r: TestRegistry;
let token: string;
beforeEach(async () => {
  r = await makeTestRegistry();
  token = await r.user('alice');
});
afterEach(() => r.close());

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_]\w*="(?:[^"\\\n]|\\["\\n])*",?)*\})? (\S+)$/;
const COMMENT = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/;

/** The samples of an exposition, `name{labels}` → value; fails on any line that does not parse. */
function parseExposition(text: string): Map<string, number> {
  expect(text.endsWith('\n')).toBe(true);
  const samples = new Map<string, number>();
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('#')) {
      expect(line).toMatch(COMMENT);
      continue;
    }
    const m = SAMPLE.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    const value = m![3]!;
    expect(value).toMatch(/^(?:[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?|\+Inf|-Inf|NaN)$/);
    samples.set(`${m![1]}${m![2] ?? ''}`, Number(value.replace('+Inf', 'Infinity')));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const res = await r.call('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const requests = (method: string, route: string, status: number) =>
  `skills_http_requests_total{method="${method}",route="${route}",status="${status}"}`;

describe('GET /metrics', () => {
  test('parses as exposition text, with the process gauges and every family typed', async () => {
    const res = await r.call('GET', '/metrics');
    const text = await res.text();
    const samples = parseExposition(text);
    for (const [name, type] of [
      ['skills_http_requests_total', 'counter'],
      ['skills_http_request_duration_seconds', 'histogram'],
      ['skills_publishes_total', 'counter'],
      ['skills_errors_total', 'counter'],
      ['skills_downloads_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_heap_used_bytes', 'gauge'],
      ['process_uptime_seconds', 'gauge'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_used_bytes')).toBeGreaterThan(0);
    expect(samples.get('process_uptime_seconds')).toBeGreaterThan(0);
    expect(samples.get('skills_downloads_total')).toBe(0);
    expect(samples.get('skills_publishes_total{result="ok"}')).toBe(0);
  });

  test('request counts and durations go up, labelled by route pattern', async () => {
    const before = (await scrape()).get(requests('GET', '/v1/health', 200)) ?? 0;
    await r.call('GET', '/v1/health');
    await r.call('GET', '/v1/health');
    const after = await scrape();
    expect(after.get(requests('GET', '/v1/health', 200))).toBe(before + 2);
    const count = after.get('skills_http_request_duration_seconds_count{method="GET",route="/v1/health"}');
    expect(count).toBe(before + 2);
    expect(
      after.get('skills_http_request_duration_seconds_bucket{method="GET",route="/v1/health",le="+Inf"}'),
    ).toBe(count);
    // Buckets are cumulative.
    let previous = 0;
    for (const le of [...DURATION_BUCKETS.map(String), '+Inf']) {
      const n = after.get(
        `skills_http_request_duration_seconds_bucket{method="GET",route="/v1/health",le="${le}"}`,
      );
      expect(n).toBeGreaterThanOrEqual(previous);
      previous = n!;
    }
  });

  test('scoped and plain names, raw or percent-encoded, count under one pattern', async () => {
    expect((await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'))).status).toBe(201);
    expect((await r.publish(token, '@acme/deploy', bundleTarball('@acme/deploy', '1.0.0'))).status).toBe(201);
    for (const path of ['/v1/bundles/tool', '/v1/bundles/@acme/deploy', '/v1/bundles/%40acme%2Fdeploy']) {
      expect((await r.call('GET', path)).status).toBe(200);
    }
    await r.call('GET', '/v1/bundles/@acme/deploy/1.0.0');
    await r.call('GET', '/v1/bundles/tool/1.0.0');
    const res = await r.call('GET', '/metrics');
    const text = await res.text();
    const samples = parseExposition(text);
    expect(samples.get(requests('GET', '/v1/bundles/:name', 200))).toBe(3);
    expect(samples.get(requests('GET', '/v1/bundles/:name/:version', 200))).toBe(2);
    expect(samples.get(requests('PUT', '/v1/bundles/:name', 201))).toBe(2);
    expect(samples.get('skills_publishes_total{result="ok"}')).toBe(2);
    expect(text).not.toMatch(/acme|tool|deploy|\{@|\[0-9\]/);
  });

  test('a 304 and an unknown path are counted too; an unmatched request is one series', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    const etag = (await r.call('GET', '/v1/bundles/tool')).headers.get('etag')!;
    expect((await r.call('GET', '/v1/bundles/tool', { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    await r.call('GET', '/nope/1');
    await r.call('GET', '/nope/2');
    const samples = await scrape();
    expect(samples.get(requests('GET', '/v1/bundles/:name', 304))).toBe(1);
    expect(samples.get(requests('GET', 'unmatched', 404))).toBe(2);
    expect(samples.get('skills_errors_total{code="NOT_FOUND"}')).toBe(2);
  });

  test('a refused publish counts as refused and by its error code', async () => {
    const res = await r.publish(token, 'broken', Buffer.from('not a gzip stream'));
    expect(res.status).toBe(422);
    const samples = await scrape();
    expect(samples.get('skills_publishes_total{result="refused"}')).toBe(1);
    expect(samples.get('skills_publishes_total{result="ok"}')).toBe(0);
    expect(samples.get('skills_errors_total{code="INVALID_BUNDLE"}')).toBe(1);
    expect(samples.get(requests('PUT', '/v1/bundles/:name', 422))).toBe(1);
  });

  test('a publish refused before the archive is read (no token) is counted as refused too', async () => {
    const res = await r.call('PUT', '/v1/bundles/tool', {
      body: 'x',
      headers: { 'content-type': 'application/gzip' },
    });
    expect(res.status).toBe(401);
    const samples = await scrape();
    expect(samples.get('skills_publishes_total{result="refused"}')).toBe(1);
    expect(samples.get('skills_errors_total{code="UNAUTHORIZED"}')).toBe(1);
  });

  test('tarball 200s count as downloads; 304s do not', async () => {
    await r.publish(token, 'tool', bundleTarball('tool', '1.0.0'));
    const path = '/v1/bundles/tool/-/tool-1.0.0.tgz';
    const first = await r.call('GET', path);
    expect(first.status).toBe(200);
    await r.call('GET', path);
    const etag = first.headers.get('etag')!;
    expect((await r.call('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const samples = await scrape();
    expect(samples.get('skills_downloads_total')).toBe(2);
    expect(samples.get(requests('GET', '/v1/bundles/:name/-/:file', 200))).toBe(2);
  });

  test('the metrics given to createApp are the ones counted and served', async () => {
    const metrics = createRegistryMetrics();
    const own = await makeTestRegistry({ metrics });
    try {
      await own.call('GET', '/v1/health');
      expect(metrics.render()).toContain(`${requests('GET', '/v1/health', 200)} 1\n`);
    } finally {
      await own.close();
    }
  });

  test('the request log line names the route pattern, the status and the duration', async () => {
    await r.publish(token, '@acme/deploy', bundleTarball('@acme/deploy', '1.0.0'));
    await r.call('GET', '/v1/bundles/@acme/deploy', { headers: { 'x-request-id': 'route-1' } });
    expect(r.logs.filter((l) => l.requestId === 'route-1')).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        route: '/v1/bundles/:name',
        path: '/v1/bundles/@acme/deploy',
        status: 200,
        ms: expect.any(Number),
      }),
    ]);
  });
});

describe('the metrics registry', () => {
  test('escapes label values and help text; counters without labels start at 0', () => {
    const m = createMetricsRegistry();
    const c = m.counter({ name: 'odd_total', help: 'back\\slash\nnewline', labelNames: ['v'] });
    c.inc(['say "hi"\\\n']);
    c.inc(['say "hi"\\\n'], 2);
    m.counter({ name: 'plain_total', help: 'Plain.' });
    expect(m.render()).toBe(
      [
        '# HELP odd_total back\\\\slash\\nnewline',
        '# TYPE odd_total counter',
        'odd_total{v="say \\"hi\\"\\\\\\n"} 3',
        '# HELP plain_total Plain.',
        '# TYPE plain_total counter',
        'plain_total 0',
        '',
      ].join('\n'),
    );
    parseExposition(m.render());
  });

  test('histograms render cumulative buckets, +Inf, sum and count', () => {
    const m = createMetricsRegistry();
    const h = m.histogram({ name: 'h_seconds', help: 'H.', labelNames: ['a'], buckets: [0.1, 1] });
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(['x'], v);
    expect(m.render()).toBe(
      [
        '# HELP h_seconds H.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{a="x",le="0.1"} 2',
        'h_seconds_bucket{a="x",le="1"} 3',
        'h_seconds_bucket{a="x",le="+Inf"} 4',
        'h_seconds_sum{a="x"} 3.65',
        'h_seconds_count{a="x"} 4',
        '',
      ].join('\n'),
    );
  });

  test('methods outside the usual set share one label value', () => {
    const metrics = createRegistryMetrics();
    metrics.request('BREW', '/v1/health', 404, 0.001);
    metrics.request('PROPFIND', '/v1/health', 404, 0.001);
    expect(metrics.render()).toContain(`${requests('OTHER', '/v1/health', 404)} 2\n`);
  });
});
