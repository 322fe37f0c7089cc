import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from './helpers/fs.ts';
import { runCli } from './helpers/run-cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('the built binary', () => {
  it('prints its version fast, loading no command', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = process.hrtime.bigint();
        const r = await runCli(['--version'], { cwd: dir });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
      }
      // Node itself needs ~40 ms to start; the budget is 100 ms on an idle machine, with slack for CI.
      expect(Math.min(...times)).toBeLessThan(250);
    } finally {
      await cleanup();
    }
  });

  it('lists every command in --help, trust included, and rejects unknown ones with exit 2', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const help = await runCli(['--help'], { cwd: dir });
      expect(help.code).toBe(0);
      for (const c of [
        'init',
        'validate',
        'pack',
        'publish',
        'login',
        'token',
        'dist-tag',
        'owner',
        'trust',
      ]) {
        expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
      }
      const bad = await runCli(['publsh'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^ERR_SKILLS_USAGE: unknown command "publsh"\nhint: did you mean `skills publish`\?\n$/,
      );
      const flag = await runCli(['pack', '--nope', '--json'], { cwd: dir });
      expect(flag.code).toBe(2);
      expect(JSON.parse(flag.stdout).error.code).toBe('USAGE');
    } finally {
      await cleanup();
    }
  });
});
