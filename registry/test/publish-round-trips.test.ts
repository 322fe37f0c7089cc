import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { createPgStore } from '../src/db/pg/pg-store.ts';
import { bundleTarball } from './helpers/bundles.ts';
import { PG_URL, useTestSchemas } from './helpers/pg-schemas.ts';
import { makeTestRegistry } from './helpers/test-registry.ts';

/**
 * How many queries (each one a network round trip) one publish sends to PostgreSQL, counted on
 * the pg client: the figure issue #11's publish rate depends on. A change that adds a query to
 * the publish path fails here; lower the bound when a change removes one. Runs when
 * DATABASE_URL is a postgres:// URL; skipped, visibly, otherwise.
 */
const url = PG_URL;

/** Queries per publish through the whole request: token, early checks, claim, commit. */
const MAX_NEW_VERSION = 17;
const MAX_NEW_BUNDLE = 26;
/** Of a new version's queries, how many at least are named prepared statements. */
const MIN_NAMED = 15;

describe.skipIf(!url)('PostgreSQL round trips per publish (needs DATABASE_URL=postgres://…)', () => {
  const schema = useTestSchemas()();

  test('a new bundle and a new version stay within their query budgets', async () => {
    const store = await createPgStore({ url: url!, schema, maxConnections: 4 });
    const r = await makeTestRegistry({ store });
    try {
      const token = await r.user('alice');
      const sent: string[] = [];
      const named: string[] = [];
      const query = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const config = args[0] as string | { text: string; name?: string };
        sent.push(typeof config === 'string' ? config : config.text);
        if (typeof config !== 'string' && config.name) named.push(config.name);
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof query;
      const counted = async (tarball: Buffer) => {
        sent.length = 0;
        named.length = 0;
        const res = await r.publish(token, 'tool', tarball);
        expect(res.status).toBe(201);
        return [...sent];
      };
      try {
        const created = await counted(bundleTarball('tool', '1.0.0'));
        const added = await counted(bundleTarball('tool', '1.1.0'));
        expect(created.length, created.join('\n')).toBeLessThanOrEqual(MAX_NEW_BUNDLE);
        expect(added.length, added.join('\n')).toBeLessThanOrEqual(MAX_NEW_VERSION);
        // The counting itself works: every publish reads and writes the store.
        expect(added.length).toBeGreaterThan(0);
        // The statements every publish runs go as named prepared statements (parsed and planned
        // once per connection): all but BEGIN and COMMIT.
        expect(named.length, named.join('\n')).toBeGreaterThanOrEqual(MIN_NAMED);
        // One transaction, the commit (what a publish's 201 promises): the claim is two
        // statements on their own, without the write lock (its upsert goes to an unlogged table).
        const begun = added.filter((text) => text.startsWith('BEGIN'));
        expect(begun).toHaveLength(1);
        expect(begun[0]).toContain('pg_advisory_xact_lock');
        expect(begun[0]).not.toContain('synchronous_commit');
      } finally {
        pg.Client.prototype.query = query;
      }
    } finally {
      await r.close();
    }
  });
});
