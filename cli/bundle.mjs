// Two CommonJS files, so that Node never starts its ES module loader for a command (~25 ms of
// a short command's CPU):
// - `dist/bin.cjs` (the package's bin, from src/bin.ts and src/compile-cache.ts): answers
//   `--version` alone; anything else loads
// - `dist/main.cjs`: everything a command runs, one file, so Node reads and compiles one module
//   instead of ~150, and compiles it through V8's code cache (src/compile-cache.ts). Dynamic
//   imports become require() (a vm.Script cannot import()); modules loaded with import() stay
//   lazy inside the bundle (esbuild wraps them), so a command evaluates only what it uses.
//   Workspace packages come from their sources (the `source` export condition); `openai` stays
//   external: only `skills run` loads it.
// tsc's ESM output of the same sources (dist/bin.js, dist/main.js, …) is left for the type
// declarations; nothing runs it.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
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
await build({
  entryPoints: [here('./src/bin.ts')],
  outfile: here('./dist/bin.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  supported: { 'dynamic-import': false },
  // bin.ts finds package.json and main.cjs from its own URL.
  define: { 'import.meta.url': '__skillsBinUrl' },
  banner: { js: "const __skillsBinUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
chmodSync(here('./dist/bin.cjs'), 0o755);
// tsc's ESM entry would run too, slower: one bin only.
for (const f of ['bin.js', 'bin.js.map', 'bin.d.ts']) rmSync(here(`./dist/${f}`), { force: true });
// What went in and what stays outside, for test/bin.test.ts and for anyone sizing the bundle.
writeFileSync(here('./dist/main.meta.json'), JSON.stringify(result.metafile));
