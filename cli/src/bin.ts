#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';

// Only this file touches process: the exit status, the streams, the environment. The build
// bundles it as CommonJS (dist/bin.cjs), so Node never starts its ES module loader for a command.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${version}\n`);
} else {
  void run();
}

/** Every other command: the one-file bundle (dist/main.cjs), compiled through the code cache. */
async function run(): Promise<void> {
  const { loadMain } = await import('./compile-cache.ts');
  const loaded = loadMain(fileURLToPath(new URL('./main.cjs', import.meta.url)), {
    version,
    command: argv[0],
    env: process.env,
  });
  const code = await loaded.main({
    argv,
    cwd: process.cwd(),
    env: process.env,
    get stdin() {
      return process.stdin;
    },
    stdinIsTTY: isatty(0),
    stdout: process.stdout,
    stderr: process.stderr,
    version,
  });
  process.exitCode = code;
  if (code === 0) loaded.save();
}
