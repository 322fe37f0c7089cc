#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { main } from './command-line/main.ts';

/** The `skills-registry` executable: wires the process to `main` and exits with its status. */
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  setV8Flags: setFlagsFromString,
  stopSignal: () =>
    new Promise((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
});
process.exitCode = code;
// If a stray handle keeps the loop alive after main returns, do not hang: exit anyway.
setTimeout(() => process.exit(code), 2000).unref();
