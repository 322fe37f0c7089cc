import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { seedSearchCorpus } from './seed.ts';

/**
 * A data dir holding `count` seeded bundles, copied from `.bench/seed/` when an earlier run left
 * one built by the same store code and seeder (seeding 100,000 takes minutes); seeded anew and
 * kept there otherwise. `reseed` ignores the cache.
 */
export async function seededDataDir(
  target: string,
  count: number,
  opts: { reseed?: boolean } = {},
): Promise<{ seconds: number; cached: boolean }> {
  const key = await seedKey(count);
  const cacheDir = join(REPO_ROOT, '.bench', 'seed', `search-${count}-${key}`);
  await mkdir(target, { recursive: true });
  const start = performance.now();
  if (opts.reseed || !existsSync(join(cacheDir, 'registry.db'))) {
    const building = `${cacheDir}.tmp-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    await mkdir(building, { recursive: true });
    await seedSearchCorpus(building, count, (n) =>
      console.error(`  seeded ${n.toLocaleString('en-US')} bundles`),
    );
    await rm(cacheDir, { recursive: true, force: true });
    await rename(building, cacheDir);
  }
  const cached = performance.now() - start < 1000;
  // The store closed cleanly, so registry.db holds everything (no -wal to copy).
  await copyFile(join(cacheDir, 'registry.db'), join(target, 'registry.db'));
  return { seconds: (performance.now() - start) / 1000, cached };
}

/** The store files that decide what a seeded database holds: its schema and the publish write path. */
const STORE_FILES = ['migrations.js', 'schema.js', 'publish.js', 'sync-bundle.js'];

/** Hash of the store code that wrote the database and of the seeder: a change to either reseeds. */
async function seedKey(count: number): Promise<string> {
  const h = createHash('sha256').update(String(count));
  const storeDir = join(REPO_ROOT, 'registry', 'dist', 'db', 'sqlite');
  for (const f of STORE_FILES) {
    const path = join(storeDir, f);
    h.update(f).update(existsSync(path) ? await readFile(path) : '');
  }
  for (const f of ['seed.ts', 'bundles.ts']) h.update(await readFile(join(REPO_ROOT, 'bench', 'lib', f)));
  return h.digest('hex').slice(0, 12);
}
