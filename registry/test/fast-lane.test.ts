import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleTarball } from './helpers/bundles.ts';
import { type LaneServer, startLaneServer } from './helpers/lane-server.ts';
import { makeTestRegistry, type TestRegistry } from './helpers/test-registry.ts';

/**
 * The server's fast lane answers the hot GETs it holds in memory exactly as the app would,
 * and hands everything else to the app untouched. `lane.appCalls()` counts what reached the app.
 */
describe('the fast lane for bundle documents and tarballs', () => {
  let reg: TestRegistry;
  let lane: LaneServer;
  let origin: string;
  let token: string;

  beforeEach(async () => {
    reg = await makeTestRegistry();
    lane = await startLaneServer(reg);
    origin = lane.origin;
    token = await reg.user('alice');
    expect((await reg.publish(token, 'deploy', bundleTarball('deploy', '1.0.0'))).status).toBe(201);
  });
  afterEach(async () => {
    await lane.close();
    await reg.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(origin + path, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    const head = Object.fromEntries([...res.headers].filter(([k]) => !['date', 'x-request-id'].includes(k)));
    return { status: res.status, head, body, requestId: res.headers.get('x-request-id') };
  };
  const requestLines = () => reg.logs.filter((l) => l.msg === 'request');

  it('answers a cached document, and its 304, without the app, with the same answer and log line', async () => {
    const fromApp = await get('/v1/bundles/deploy');
    expect(lane.appCalls()).toBe(1);
    const fromLane = await get('/v1/bundles/deploy');
    expect(lane.appCalls()).toBe(1);
    expect(fromLane.status).toBe(200);
    expect(fromLane.head).toEqual(fromApp.head);
    expect(fromLane.body.equals(fromApp.body)).toBe(true);
    expect(fromLane.requestId).toMatch(/^[0-9a-f]+-[0-9a-z]+$/);

    const etag = fromLane.head.etag as string;
    const notModified = await get('/v1/bundles/deploy', { 'if-none-match': etag });
    expect(lane.appCalls()).toBe(1);
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.head.etag).toBe(etag);
    expect(notModified.head['content-length']).toBeUndefined();
    expect(notModified.head['x-content-type-options']).toBe('nosniff');

    const lines = requestLines().slice(-3);
    expect(lines.map((l) => [l.route, l.status, l.path])).toEqual([
      ['/v1/bundles/:name', 200, '/v1/bundles/deploy'],
      ['/v1/bundles/:name', 200, '/v1/bundles/deploy'],
      ['/v1/bundles/:name', 304, '/v1/bundles/deploy'],
    ]);
    expect(lines[1]?.requestId).toBe(fromLane.requestId);
    // An incoming id that passes the rule is kept, as the app keeps it.
    await get('/v1/bundles/deploy', { 'x-request-id': 'trace-42' });
    expect(requestLines().at(-1)?.requestId).toBe('trace-42');
    expect(reg.deps.metrics.render()).toContain('route="/v1/bundles/:name",status="304"');
  });

  it('serves a cached tarball with the same bytes and headers, counting each download but not a 304', async () => {
    const path = '/v1/bundles/deploy/-/deploy-1.0.0.tgz';
    const fromApp = await get(path);
    expect(lane.appCalls()).toBe(1);
    const fromLane = await get(path);
    expect(lane.appCalls()).toBe(1);
    expect(fromLane.status).toBe(200);
    expect(fromLane.head).toEqual(fromApp.head);
    expect(fromLane.body.equals(fromApp.body)).toBe(true);
    const notModified = await get(path, { 'if-none-match': fromLane.head.etag as string });
    expect(notModified.status).toBe(304);
    expect(lane.appCalls()).toBe(1);
    expect((await reg.store.getBundle('deploy'))?.bundle.downloads).toBe(2);
    expect(requestLines().at(-1)?.route).toBe('/v1/bundles/:name/-/:file');
  });

  it('leaves to the app what it does not hold, and what is not the plain hot GET', async () => {
    await get('/v1/bundles/deploy'); // cached now
    const before = lane.appCalls();
    expect((await get('/v1/bundles/nothing-here')).status).toBe(404);
    expect((await get('/v1/bundles/deploy?x=1')).status).toBe(200);
    expect((await fetch(`${origin}/v1/bundles/deploy`, { method: 'HEAD' })).status).toBe(200);
    expect((await get('/v1/bundles/deploy/-/deploy-9.9.9.tgz')).status).toBe(404);
    expect((await get('/v1/bundles/deploy/-/not-a-tarball')).status).toBe(404);
    expect(lane.appCalls()).toBe(before + 5);
  });

  it('never serves a document older than a publish made in this process', async () => {
    await get('/v1/bundles/deploy');
    await get('/v1/bundles/deploy');
    const calls = lane.appCalls();
    expect((await reg.publish(token, 'deploy', bundleTarball('deploy', '1.1.0'))).status).toBe(201);
    const after = await get('/v1/bundles/deploy');
    expect(lane.appCalls()).toBe(calls + 1);
    expect(Object.keys(JSON.parse(after.body.toString()).versions)).toEqual(['1.0.0', '1.1.0']);
    expect((await get('/v1/bundles/deploy')).body.equals(after.body)).toBe(true);
    expect(lane.appCalls()).toBe(calls + 1);
  });
});
