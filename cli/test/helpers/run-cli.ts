import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary the end-to-end tests drive (`npm run build` makes it: tsc, then the bundle). */
export const CLI_BIN = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const homes = new Map<string, string>();

/**
 * The isolated HOME and XDG dirs used for runs in `cwd`: one per cwd, created on first use
 * outside it, so login state persists between runs of one test and never leaks between tests.
 */
export function cliHome(cwd: string): { HOME: string; XDG_CONFIG_HOME: string; XDG_CACHE_HOME: string } {
  let home = homes.get(cwd);
  if (!home) {
    home = mkdtempSync(join(tmpdir(), 'skills-home-'));
    mkdirSync(join(home, 'config'));
    mkdirSync(join(home, 'cache'));
    homes.set(cwd, home);
  }
  return { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
}

/**
 * Runs `node cli/dist/bin.cjs ...args` in `cwd` with stdin piped (so never a TTY), an isolated
 * home (see cliHome) and only PATH inherited; `env` adds or overrides (e.g. SKILLS_REGISTRY).
 * @example const { code, stdout } = await runCli(['whoami', '--json'], { cwd, env: { SKILLS_REGISTRY: url } })
 */
export function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): Promise<CliRun> {
  if (!existsSync(CLI_BIN)) {
    throw new Error(`${CLI_BIN} is missing: build first (cd cli && npm run build)`);
  }
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...cliHome(opts.cwd) };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: opts.cwd, env, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}
