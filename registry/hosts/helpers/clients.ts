import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where `scripts/install-hosts.sh` puts the pinned clients. */
export const HOSTS_DIR = resolve(import.meta.dirname, '../../../.hosts');

export type Client = 'claude' | 'codex' | 'skills';

/** The path of a pinned client's binary; throws, naming the install script, when it is missing. */
export function clientBin(client: Client): string {
  const bin = join(HOSTS_DIR, 'node_modules', '.bin', client);
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run scripts/install-hosts.sh (npm run test:hosts does) first`);
  }
  return bin;
}

/** A clean, offline environment for the clients: its own home, npm cache and registry, nothing inherited but PATH. */
export interface HostEnv {
  home: string;
  env: Record<string, string>;
}

/**
 * The environment every client runs in: `HOME` and `CODEX_HOME` in `dir`, telemetry and
 * non-essential traffic off, npm pointed at `npmRegistry` (plain-http registries are only trusted
 * as npm's default) with its own cache and no retries (a refused tarball fails at once).
 */
export async function hostEnv(dir: string, npmRegistry: string): Promise<HostEnv> {
  const home = join(dir, 'home');
  await mkdir(join(home, '.codex'), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CODEX_HOME: join(home, '.codex'),
    TMPDIR: join(dir, 'tmp'),
    LANG: 'C.UTF-8',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DO_NOT_TRACK: '1',
    NO_COLOR: '1',
    NPM_CONFIG_FETCH_RETRIES: '0',
    NPM_CONFIG_REGISTRY: npmRegistry,
    NPM_CONFIG_CACHE: join(dir, 'npm-cache'),
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    NPM_CONFIG_AUDIT: 'false',
    NPM_CONFIG_FUND: 'false',
    GIT_TERMINAL_PROMPT: '0',
  };
  await mkdir(env.TMPDIR!, { recursive: true });
  return { home, env };
}

export interface RunResult {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client to the end and captures its output (never piped into grep: a closed pipe would
 * kill the client). Never throws for an exit code; `ok` does.
 */
export function run(
  client: Client,
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<RunResult> {
  const command = `${client} ${args.join(' ')}`;
  return new Promise((done) => {
    execFile(
      clientBin(client),
      args,
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs ?? 240_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ command, code, stdout, stderr });
      },
    ).stdin?.end();
  });
}

/** The result, or an error that shows the command and everything it printed. */
export function ok(result: RunResult): RunResult {
  if (result.code !== 0) throw new Error(describe(result, `exited with ${result.code}`));
  return result;
}

/** A readable account of a run, for failure messages. */
export function describe(result: RunResult, what: string): string {
  return `\`${result.command}\` ${what}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}
