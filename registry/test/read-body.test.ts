import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Deps } from '../src/deps.ts';
import { RegistryError } from '../src/errors.ts';
import { readBody } from '../src/http/body.ts';
import type { AppEnv } from '../src/http/env.ts';

const MAX = 64;
const IDLE_MS = 150;

// A route that reads its body with readBody and answers what it got (or the error's code).
const app = new Hono<AppEnv>();
app.put('/body', async (c) => {
  c.set('deps', { bodyIdleMs: IDLE_MS } as Deps);
  try {
    const body = await readBody(c, MAX);
    return c.json({ text: body.toString() });
  } catch (e) {
    if (e instanceof RegistryError) return c.json({ code: e.code }, 400);
    throw e;
  }
});

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => vi.restoreAllMocks());

/** PUTs `chunks` (with a pause between them), with a Content-Length or chunked. */
function put(
  chunks: string[],
  options: { length?: number; chunked?: boolean; pauseMs?: number; stall?: boolean } = {},
) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const headers: Record<string, string> = options.chunked
      ? { 'transfer-encoding': 'chunked' }
      : { 'content-length': String(options.length ?? chunks.join('').length) };
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/body', headers }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    const send = async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0 && options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
        req.write(chunk);
      }
      if (!options.stall && (!options.length || options.length === chunks.join('').length)) req.end();
    };
    void send();
  });
}

describe('readBody under @hono/node-server', () => {
  test('a body of a declared length is read from the Node request, without a web stream', async () => {
    const toWeb = vi.spyOn(Readable, 'toWeb');
    const answer = await put(['hello ', 'world'], { pauseMs: 20 });
    expect(answer).toEqual({ status: 200, body: { text: 'hello world' } });
    expect(toWeb).not.toHaveBeenCalled();
  });

  test('a chunked body goes through the web stream, with the same answer', async () => {
    const toWeb = vi.spyOn(Readable, 'toWeb');
    const answer = await put(['hello ', 'world'], { chunked: true, pauseMs: 20 });
    expect(answer).toEqual({ status: 200, body: { text: 'hello world' } });
    expect(toWeb).toHaveBeenCalled();
  });

  test('both ways keep the caps: past MAX is TOO_LARGE, a stalled body REQUEST_TIMEOUT', async () => {
    const big = 'x'.repeat(MAX + 1);
    expect((await put([big])).body).toEqual({ code: 'TOO_LARGE' });
    expect((await put([big], { chunked: true })).body).toEqual({ code: 'TOO_LARGE' });
    // Declares 10 bytes, sends 3, then nothing.
    expect((await put(['abc'], { length: 10 })).body).toEqual({ code: 'REQUEST_TIMEOUT' });
    expect((await put(['abc'], { chunked: true, stall: true })).body).toEqual({ code: 'REQUEST_TIMEOUT' });
    const empty = await put([]);
    expect(empty).toEqual({ status: 200, body: { text: '' } });
  });
});
