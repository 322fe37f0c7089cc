/**
 * `node --import tsx bench/lib/bare-hono.ts`: the ceiling the registry's read path is measured
 * against on the same machine in the same run: a bare hono app on @hono/node-server whose one
 * route reads one SQLite row (prepared statement, better-sqlite3) and returns its JSON. No
 * logging, no middleware. Prints `listening on http://127.0.0.1:PORT` like the registry.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';

const db = new Database(':memory:');
db.exec('CREATE TABLE docs (name TEXT PRIMARY KEY, json TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO docs (name, json) VALUES (?, ?)');
for (let i = 0; i < 20; i++) {
  const name = `bundle-${i}`;
  // About the size of a one-version bundle document of the benchmark.
  insert.run(
    name,
    JSON.stringify({ name, description: 'x'.repeat(200), versions: { '1.0.0': { body: 'y'.repeat(1500) } } }),
  );
}
const get = db.prepare<[string], { json: string }>('SELECT json FROM docs WHERE name = ?');

const app = new Hono();
app.get('/v1/bundles/:name', (c) => {
  const row = get.get(c.req.param('name'));
  if (!row) return c.json({ error: 'not found' }, 404);
  c.header('Content-Type', 'application/json; charset=utf-8');
  return c.body(row.json);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
