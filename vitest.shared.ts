import type { ViteUserConfig } from 'vitest/config';

/**
 * Workspaces import each other's TypeScript sources in tests (the `source` export condition).
 * The server-side list names no `import`: vitest passes these to Node as `--conditions`, and an
 * explicit `import` makes CommonJS packages such as `pg` load their ESM build from `require`.
 * Vite adds `import`/`require` by itself.
 */
const config: ViteUserConfig = {
  resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Timeouts only catch hangs: they are generous so the suite passes on a machine loaded by a
    // second run of itself (tests bound work by counting, never by the clock).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
};

export default config;
