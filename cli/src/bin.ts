#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Only this file touches process: the exit status, the streams, the environment.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${version}\n`);
} else {
  // The build's one-file bundle through the code cache; from sources (no bundle), the modules.
  const bundle = fileURLToPath(new URL('./main.cjs', import.meta.url));
  const loaded = existsSync(bundle)
    ? (await import('./compile-cache.ts')).loadMain(bundle, { version, command: argv[0], env: process.env })
    : { main: (await import('./main.ts')).main, save() {} };
  const code = await loaded.main({
    argv,
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    version,
  });
  process.exitCode = code;
  if (code === 0) loaded.save();
}
