import { availableParallelism, cpus, loadavg } from 'node:os';

/**
 * One line about the machine for the report header, with the 1-minute load average: other
 * processes competing for the cores skew every figure, so say so next to them.
 */
export function machineLine(): string {
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  const busy = load > cores * 0.5 ? ` (BUSY: other processes were using the CPU; figures are noisy)` : '';
  return `${cpus()[0]?.model.trim() ?? 'cpu'}, ${cores} cores, load average ${load.toFixed(2)}${busy}`;
}

/** Warns on stderr when the machine is already busy before a benchmark starts. */
export function warnIfBusy(): void {
  const load = loadavg()[0]!;
  if (load > availableParallelism() * 0.5) {
    console.error(
      `warning: load average is ${load.toFixed(2)} on ${availableParallelism()} cores; figures will be noisy`,
    );
  }
}
