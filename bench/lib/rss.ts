import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from `/proc/PID/status` (VmRSS); NaN when gone. */
export function readRss(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's VmRSS every `intervalMs` until stopped; reports the peak and the last sample. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): { peak: number; last: number } } {
  let peak = readRss(pid);
  let last = peak;
  const timer = setInterval(() => {
    const v = readRss(pid);
    if (Number.isFinite(v)) {
      last = v;
      if (!(v <= peak)) peak = v;
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const v = readRss(pid);
      if (Number.isFinite(v)) {
        last = v;
        if (!(v <= peak)) peak = v;
      }
      return { peak, last };
    },
  };
}
