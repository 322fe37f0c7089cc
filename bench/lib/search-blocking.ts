import { performance } from 'node:perf_hooks';
import type { Store } from '@skills/registry';
import { searchApp } from './search-app.ts';

export interface SearchBlocking {
  searches: number;
  /** Main-thread time the event loop was busy (not idle), per search: what a search costs the loop. */
  busyMsPerSearch: number;
  /** The longest a 1 ms timer waited past its time: the longest stall of the event loop. */
  maxStallMs: number;
  /** p99 of those waits. */
  p99StallMs: number;
  /** Wall time of the first pass. */
  wallMs: number;
}

/**
 * What uncached searches cost the event loop: every query of `paths`, `rounds` times, through
 * `app.request()` (the store's cache must be off), one after another, each started in its own
 * event-loop turn as a request from a socket would be. Pass 1 takes the main thread's event-loop
 * utilization (busy time); pass 2 runs a 1 ms timer and records how late each firing was (the
 * stalls a document GET arriving then would wait through). With searches on a worker thread,
 * the busy time left is routing, messaging and JSON.
 */
export async function searchBlocking(
  store: Store,
  paths: readonly string[],
  rounds: number,
): Promise<SearchBlocking> {
  const get = searchApp(store);
  const turn = () => new Promise((r) => setImmediate(r));
  const pass = async () => {
    for (let i = 0; i < rounds; i++) {
      for (const path of paths) {
        await turn();
        await get(path);
      }
    }
  };
  for (const path of paths) await get(path); // warm up: thread start, statements prepared

  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await pass();
  const wallMs = performance.now() - start;
  const used = performance.eventLoopUtilization(elu);

  const lates: number[] = [];
  let ticking = true;
  let due = performance.now() + 1;
  const tick = () => {
    const at = performance.now();
    lates.push(Math.max(0, at - due));
    due = at + 1;
    if (ticking) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  await pass();
  ticking = false;
  await new Promise((r) => setTimeout(r, 2));
  lates.sort((a, b) => a - b);

  const searches = rounds * paths.length;
  return {
    searches,
    busyMsPerSearch: used.active / searches,
    maxStallMs: lates.at(-1) ?? 0,
    p99StallMs: lates[Math.floor(lates.length * 0.99)] ?? 0,
    wallMs,
  };
}
