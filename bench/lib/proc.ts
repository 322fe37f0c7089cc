import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, openSync } from 'node:fs';
import { createServer } from 'node:net';

/** A server process the benchmark started; `stop` sends SIGTERM to that pid only. */
export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** File that receives the server's log output. */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Spawns `node args…` with stderr and stdout appended to `logFile`, then waits (at most
 * `timeoutMs`) until a stdout line matches `ready`; resolves with the line's first capture.
 * Without `ready` it resolves at once (the caller polls the server itself).
 */
export async function spawnUntil(
  args: string[],
  opts: { ready?: RegExp; logFile: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<{ child: ChildProcess; match: string }> {
  const log = openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', log],
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  child.stdout?.pipe(createWriteStream(opts.logFile, { flags: 'a' }));
  const ready = opts.ready;
  if (!ready) return { child, match: '' };
  const match = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new Error(
          `${args.join(' ')} was not ready after ${opts.timeoutMs ?? 30_000} ms; see ${opts.logFile}`,
        ),
      );
    }, opts.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        const m = ready.exec(line);
        if (m) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(m[1] ?? line);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready; see ${opts.logFile}`),
      );
    });
  });
  return { child, match };
}

/** Sends SIGTERM to the child and waits for it to exit (SIGKILL after `graceMs`). */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TimedRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args…` to completion and measures its wall time from spawn to exit. Fails when
 * it exits non-zero (unless `allowFailure`) or runs longer than `timeoutMs`.
 */
export function timeCommand(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      env: opts.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      const run = {
        ms,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (code !== 0 && !opts.allowFailure) {
        reject(
          new Error(
            `${command} ${args.slice(0, 6).join(' ')}${args.length > 6 ? ' …' : ''} exited ${code}:\n${run.stderr.slice(-2000) || run.stdout.slice(-2000)}`,
          ),
        );
      } else resolve(run);
    });
  });
}

/**
 * Moves every thread of process `pid` onto `cpus` (`taskset -a -p -c`); threads it starts later
 * inherit the mask. Used to switch a running server between the shared and the pinned layout.
 */
export async function pinProcess(pid: number, cpus: string): Promise<void> {
  await timeCommand('taskset', ['-a', '-p', '-c', cpus, String(pid)], { timeoutMs: 10_000 });
}
