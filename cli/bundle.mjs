// Bundles everything `dist/bin.js` loads after `--version` into `dist/main.cjs`, one file: Node
// then reads and compiles one module for a command instead of ~150, the start-up cost every
// command paid. CommonJS, so that bin.js can compile it through V8's code cache
// (src/compile-cache.ts); dynamic imports become require() for the same reason (a vm.Script
// cannot import()). bin.js stays tsc's few lines, so `skills --version` parses
// nothing more. Workspace packages come from their sources (the `source` export condition);
// modules loaded with import() stay lazy inside the bundle (esbuild wraps them), so a command
// evaluates only what it uses. `openai` stays external: only `skills run` loads it.
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

/**
 * zod's 40-odd message locales are half its size; the schemas use only the default English
 * messages (zod installs `en` itself). `z.locales` keeps `en` alone.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: new URL('../locales/en.js', `file://${args.importer}`).pathname, namespace: 'zod-en' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: '/',
    }));
  },
};

const here = (p) => new URL(p, import.meta.url).pathname;

const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile: here('./dist/main.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  target: 'node20.19',
  conditions: ['source'],
  external: ['openai'],
  plugins: [englishOnlyZod],
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// What went in and what stays outside, for test/bin.test.ts and for anyone sizing the bundle.
writeFileSync(here('./dist/main.meta.json'), JSON.stringify(result.metafile));
