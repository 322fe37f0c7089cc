import { defineConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * The interop suite (`npm run test:hosts` at the root): the real Claude Code, Codex and vercel
 * `skills` clients, installed by scripts/install-hosts.sh, against a registry on port 0. Kept out
 * of `npm test`. One file at a time: each client is a heavy native process.
 */
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['hosts/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
