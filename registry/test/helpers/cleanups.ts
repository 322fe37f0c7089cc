import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Per-test cleanup: `defer(fn)` runs fn after the current test (last in, first out);
 * `tempDir()` makes a temp dir removed the same way. Call once at the top of a test file.
 */
export function useCleanups(prefix = 'registry-test-') {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    defer(fn: () => Promise<unknown>) {
      cleanups.push(fn);
    },
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
