import { defineConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * The shared config, except for the server-side conditions: vitest passes them to Node as
 * `--conditions` flags, and an explicit `import` there makes `pg`'s `require('pg-pool')` load the
 * ESM build ("Class extends value [object Module]"). Vite adds `import`/`require` by itself.
 */
export default defineConfig({
  ...shared,
  ssr: { resolve: { conditions: ['source', 'node', 'development|production'] } },
});
