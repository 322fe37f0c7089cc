import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { REPO_ROOT } from './paths.ts';

/** The "quiet": a 1-minute load average below this. */
export const QUIET_LOAD = 2;

export function load1(): number {
  return loadavg()[0]!;
}

/**
 * One line about the machine for the report header, with the 1-minute load average: other
 * processes competing for the cores skew every figure, so say so next to them.
 */
export function machineLine(): string {
  const load = load1();
  const busy =
    load >= QUIET_LOAD
      ? ` (BUSY, ≥ ${QUIET_LOAD}: other processes were using the CPU; figures are noisy)`
      : '';
  return `${cpus()[0]?.model.trim() ?? 'cpu'}, ${availableParallelism()} cores, load average ${load.toFixed(2)}${busy}`;
}

/** Warns on stderr when the machine is already busy before a benchmark starts. */
export function warnIfBusy(): void {
  const load = load1();
  if (load >= QUIET_LOAD) {
    console.error(
      `warning: load average is ${load.toFixed(2)} (≥ ${QUIET_LOAD}) on ${availableParallelism()} cores; figures will be noisy`,
    );
  }
}

/** The commit under test, `+dirty` when the worktree has uncommitted changes; `unknown` outside git. */
export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}
