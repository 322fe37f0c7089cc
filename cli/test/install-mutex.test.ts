import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTALL_MUTEX_FILE, takeInstallMutex } from '../src/lib/install/install-mutex.ts';
import { makeTempDir } from './helpers/fs.ts';

describe('install mutex', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('skills-lock-'));
  });
  afterEach(async () => cleanup());
  const lockPath = () => join(dir, '.agents', INSTALL_MUTEX_FILE);

  it('is exclusive: a second taker waits, then fails with LOCKED', async () => {
    const release = await takeInstallMutex(dir);
    expect(JSON.parse(await readFile(lockPath(), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    let waited = '';
    await expect(
      takeInstallMutex(dir, { timeoutMs: 150, onWait: (w) => (waited = w) }),
    ).rejects.toMatchObject({
      code: 'LOCKED',
    });
    expect(waited).toBe(`process ${process.pid} on ${hostname()}`);
    await release();
    const again = await takeInstallMutex(dir, { timeoutMs: 150 });
    await again();
  });

  it('takes over the lock of a process that is gone', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await mkdir(join(dir, '.agents'), { recursive: true });
    await writeFile(lockPath(), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2020-01-01' }));
    const release = await takeInstallMutex(dir, { timeoutMs: 150 });
    expect(JSON.parse(await readFile(lockPath(), 'utf8')).pid).toBe(process.pid);
    expect(dead).not.toBe(process.pid);
    await release();
  });

  it('removes .agents on release when it made it and nothing else went there', async () => {
    const release = await takeInstallMutex(dir);
    await release();
    expect(await readdir(dir)).toEqual([]);
  });
});
