import type { ViteUserConfig } from 'vitest/config';

/** Workspaces import each other's TypeScript sources in tests (the `source` export condition). */
const config: ViteUserConfig = {
  resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
};

export default config;
