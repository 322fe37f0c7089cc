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
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
};

export default config;
