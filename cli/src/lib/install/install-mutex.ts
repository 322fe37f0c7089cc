import { mkdir, open, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SkillsError } from '../errors.ts';

/** The install mutex's file, inside the project's `.agents` folder (not the lockfile, skills-lock.json). */
export const INSTALL_MUTEX_FILE = '.skills-install.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * Takes the project's install mutex (`.agents/.skills-install.lock`, created with O_EXCL and
 * holding the owner's pid and host), waiting up to `timeoutMs` for another install to finish.
 * A lock whose process is gone (same host, pid not alive), or that is older than an hour on
 * another host, is stale and taken over. Returns the release function, which also removes
 * `.agents` when this call created it and nothing else was put there. Throws LOCKED on timeout.
 * @example const release = await takeInstallMutex(root); try { … } finally { await release() }
 */
export async function takeInstallMutex(
  projectDir: string,
  opts: { timeoutMs?: number; onWait?: (owner: string) => void } = {},
): Promise<() => Promise<void>> {
  const agentsDir = join(projectDir, '.agents');
  const created = (await mkdir(agentsDir, { recursive: true })) !== undefined;
  const path = join(agentsDir, INSTALL_MUTEX_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let told = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o644);
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(path);
    if (await isStale(path, owner)) {
      await unlink(path).catch(() => {});
      continue;
    }
    const who = owner ? `process ${owner.pid} on ${owner.host}` : 'another process';
    if (Date.now() > deadline) {
      throw new SkillsError('LOCKED', `another install (${who}) holds ${path}`, {
        hint: 'wait for it to finish; if no install is running, delete the lock file',
      });
    }
    if (!told) opts.onWait?.(who);
    told = true;
    await sleep(100);
  }
  return async () => {
    const owner = await readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host) await unlink(path).catch(() => {});
    if (created) await rmdir(agentsDir).catch(() => {});
  };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string') return undefined;
    return { pid: data.pid, host: data.host, startedAt: String(data.startedAt ?? '') };
  } catch {
    return undefined;
  }
}

async function isStale(path: string, owner: LockOwner | undefined): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return false; // gone already: the next attempt takes it
  const age = Date.now() - s.mtimeMs;
  // Unreadable: its writer may still be writing it; give it a moment before calling it stale.
  if (!owner) return age > 10_000;
  if (owner.host !== hostname()) return age > 3_600_000;
  return !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
