import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { bundleTarball } from './bundles.ts';
import type { TestRegistry } from './test-registry.ts';

/** Row counts of the tables a publish writes, read straight from the SQLite file. */
export function tableCounts(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of [
      'bundles',
      'versions',
      'published_versions',
      'pending_publishes',
      'dist_tags',
      'owners',
      'scopes',
      'search',
    ]) {
      out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Asserts a refused publish of `name` left nothing behind (docs/security.md: "no row, no blob, no name
 * taken, no search entry"): the same rows and blob files as `before`, no search hit, and the name
 * still free for someone else to publish (unless `nameMayBeTaken`, for names refused as confusable
 * or already owned).
 */
export async function expectNothingLeft(
  r: TestRegistry,
  name: string,
  before: { counts: Record<string, number>; blobs: string[] },
  options: { nameMayBeTaken?: boolean } = {},
): Promise<void> {
  expect(tableCounts(r.dbPath)).toEqual(before.counts);
  expect(await r.blobFiles()).toEqual(before.blobs);
  if (!options.nameMayBeTaken) {
    const last = name.slice(name.lastIndexOf('/') + 1);
    const search = (await (await r.call('GET', `/v1/search?q=${encodeURIComponent(last)}`)).json()) as {
      results: { name: string }[];
    };
    expect(search.results.map((x) => x.name)).not.toContain(name);
    expect(await r.store.getBundle(name)).toBeUndefined();
    const other = await r.user('name-checker');
    const res = await r.publish(other, name, bundleTarball(name, '0.0.1-check'));
    expect(res.status, `the name ${name} should still be free`).toBe(201);
  }
}

/** What expectNothingLeft compares against: take it before the hostile request. */
export async function snapshot(
  r: TestRegistry,
): Promise<{ counts: Record<string, number>; blobs: string[] }> {
  return { counts: tableCounts(r.dbPath), blobs: await r.blobFiles() };
}
