import { chmod, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BundleFile, integrityOf, packFiles } from '@skills/archive';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureInStore, type StoreDeps, type StoreRequest } from '../src/lib/store/store.ts';
import { makeTempDir } from './helpers/fs.ts';

// Every readFile of the store goes through this spy, so a test can count which files were read.
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (path: unknown, ...rest: unknown[]) => {
    reads.push(String(path));
    return (fs.readFile as (...a: unknown[]) => unknown)(path, ...rest);
  };
  return { ...fs, default: { ...fs, readFile }, readFile };
});

const files: BundleFile[] = [
  { path: 'skill.json', data: Buffer.from('{"name":"deploy","version":"1.0.0"}'), executable: false },
  {
    path: 'SKILL.md',
    data: Buffer.from('---\nname: deploy\ndescription: Deploys.\n---\n\nUse it.\n'),
    executable: false,
  },
  { path: 'scripts/run.sh', data: Buffer.from('#!/bin/sh\necho hi\n'), executable: true },
];

describe('store entries are hashed again only when a file changed since the last check', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let fetched: number;
  const tgz = packFiles(files);
  const req: StoreRequest = {
    name: 'deploy',
    version: '1.0.0',
    integrity: integrityOf(tgz),
    resolved: 'http://127.0.0.1:1/deploy-1.0.0.tgz',
  };
  let deps: StoreDeps;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-store-trust-'));
    fetched = 0;
    deps = {
      storeDir: join(dir, 'store'),
      fetchTarball: async () => {
        fetched++;
        return tgz;
      },
      verifySignature: async () => {},
    };
    reads.length = 0;
  });
  afterEach(async () => cleanup());

  const packageReads = () => reads.filter((p) => p.includes('/package/')).length;
  /**
   * Waits until the file system's clock has moved past `path`'s ctime. Its timestamps are coarse
   * (one tick is milliseconds), so a file written in the tick of the check counts as changed.
   */
  const fsClockPast = async (path: string) => {
    const written = (await stat(path, { bigint: true })).ctimeNs;
    const probe = join(dir, 'clock-probe');
    for (;;) {
      await writeFile(probe, '');
      if ((await stat(probe, { bigint: true })).ctimeNs > written) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  /** An entry that has passed one full check (the first lookup after storing it). */
  const checkedEntry = async () => {
    const entry = await ensureInStore(deps, req);
    await fsClockPast(join(entry.dir, 'index.json'));
    await ensureInStore(deps, req);
    reads.length = 0;
    return entry;
  };

  it('hashes every file once, then reads none while nothing changes', async () => {
    const entry = await ensureInStore(deps, req);
    await fsClockPast(join(entry.dir, 'index.json'));
    reads.length = 0;
    await ensureInStore(deps, req);
    expect(packageReads()).toBe(3);
    expect((await readdir(entry.dir)).sort()).toEqual(['index.json', 'package', 'verified']);
    reads.length = 0;
    await ensureInStore(deps, req);
    await ensureInStore(deps, req);
    expect(packageReads()).toBe(0);
    expect(fetched).toBe(1);
  });

  it('hashes again only the file that changed, and finds the change even with its mtime set back', async () => {
    const entry = await checkedEntry();
    const path = join(entry.packageDir, 'SKILL.md');
    const before = await stat(path);
    // Same size, old mtime: only the ctime (which no program can set) tells.
    const changed = (await readFile(path, 'utf8')).replace('Deploys', 'Exploit');
    await writeFile(path, changed);
    await utimes(path, before.atime, before.mtime);
    reads.length = 0;
    const again = await ensureInStore(deps, req);
    expect(reads.filter((p) => p.endsWith('/package/SKILL.md'))).toHaveLength(1);
    expect(reads.filter((p) => p.endsWith('/package/skill.json'))).toHaveLength(0);
    expect(fetched).toBe(2);
    expect(await readFile(join(again.packageDir, 'SKILL.md'), 'utf8')).toContain('Deploys');
  });

  it('refuses an entry whose file lost its stored mode, and keeps no marker from a failed check', async () => {
    const entry = await checkedEntry();
    await chmod(join(entry.packageDir, 'scripts/run.sh'), 0o777);
    const again = await ensureInStore(deps, req);
    expect(fetched).toBe(2);
    expect((await stat(join(again.packageDir, 'scripts/run.sh'))).mode & 0o7777).toBe(0o755);
    // The fresh entry has not been checked yet: no marker, no leftovers.
    expect((await readdir(again.dir)).sort()).toEqual(['index.json', 'package']);
  });

  it('checks every time when the marker cannot be written', async () => {
    const entry = await checkedEntry();
    // A marker that is a folder is not a marker, and renaming a file onto it fails.
    await rm(join(entry.dir, 'verified'));
    await mkdir(join(entry.dir, 'verified'));
    reads.length = 0;
    await ensureInStore(deps, req);
    await ensureInStore(deps, req);
    expect(packageReads()).toBe(6);
    expect(fetched).toBe(1);
    expect((await readdir(entry.dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
