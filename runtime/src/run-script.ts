import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { RuntimeError } from './errors.ts';
import { bwrapArgs, type ScriptSandbox, writablePaths } from './sandbox.ts';
import { confinedPath } from './skill-files.ts';
import type { LoadedSkill, Permissions } from './types.ts';

/** What a script run gives back to the model. */
export interface ScriptResult {
  /** The exit status; null when the script was killed (timeout, output flood). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunScriptOptions {
  skill: Pick<LoadedSkill, 'dir' | 'capabilities'>;
  /** A file under the skill's `scripts/` (`check.sh` or `scripts/check.sh`). */
  script: string;
  args: readonly string[];
  /** The project: scripts run there. */
  cwd: string;
  /**
   * Where the values of PATH, HOME, TMPDIR and the variables the skill's bundle declares are
   * taken from; nothing else of it reaches the script.
   */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /**
   * Run inside bwrap when `sandbox.bwrap` is set (see bwrapArgs); refuse when it is not and
   * `sandbox.require`. Without it the script runs unconfined (the caller said nothing).
   */
  sandbox?: ScriptSandbox;
  /** The session's permissions: `network: false` and a `write` list narrow what the bundle declares. */
  permissions?: Permissions;
}

/** Output kept per stream for the model; the end of the output is kept, where errors usually are. */
const MAX_OUTPUT_CHARS = 16 * 1024;
/** A script writing more than this is killed. */
const MAX_BUFFER = 4 * 1024 * 1024;
/** Interpreters for scripts that lost their executable bit (archives keep it, copies may not). */
const INTERPRETERS: Record<string, string> = {
  '.sh': 'sh',
  '.bash': 'bash',
  '.py': 'python3',
  '.js': process.execPath,
  '.mjs': process.execPath,
  '.cjs': process.execPath,
};

/**
 * Runs a file under the skill's `scripts/` without a shell (execFile), in the project folder,
 * with a timeout (default 60 s) and an output cap, and an environment holding only PATH, HOME,
 * TMPDIR and the variables `skill.capabilities.env` declares (scriptEnv), so no other secret
 * reaches it. A non-zero exit is a result, not an error; a script outside `scripts/`, missing,
 * or neither executable nor of a known kind throws (the message is meant for the model).
 * @example await runSkillScript({ skill, script: 'check.sh', args: ['src'], cwd, env: process.env })
 */
export async function runSkillScript(opts: RunScriptOptions): Promise<ScriptResult> {
  const path = opts.script.startsWith('scripts/') ? opts.script : `scripts/${opts.script}`;
  const real = await confinedPath(opts.skill.dir, path);
  const scriptsDir = await realpath(join(opts.skill.dir, 'scripts'));
  if (relative(scriptsDir, real).startsWith(`..${sep}`)) throw new Error(`"${path}" is not under scripts/`);
  const info = await stat(real);
  if (!info.isFile()) throw new Error(`"${path}" is not a file`);
  const interpreter = INTERPRETERS[extname(real)];
  const executable = (info.mode & 0o111) !== 0;
  if (!executable && !interpreter) throw new Error(`"${path}" is not executable and of no known kind`);
  const [file, argv] = executable ? [real, [...opts.args]] : [interpreter!, [real, ...opts.args]];
  const env = scriptEnv(opts.skill.capabilities?.env ?? [], opts.env);
  const [command, commandArgs] = confine(opts, file, argv, env);
  return new Promise((resolve) => {
    execFile(
      command,
      commandArgs,
      {
        cwd: opts.cwd,
        env,
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_BUFFER,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
        const flooded = e?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER';
        const timedOut = e?.killed === true && !flooded;
        let note = '';
        if (flooded) note = `[the script wrote more than ${MAX_BUFFER} bytes and was killed]\n`;
        else if (timedOut) note = '[the script ran out of time and was killed]\n';
        else if (e && typeof e.code === 'string') note = `[${e.message}]\n`;
        resolve({
          exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout: tail(stdout),
          stderr: tail(stderr) + note,
          timedOut,
        });
      },
    );
  });
}

/** The program to start: the script itself, or bwrap around it. Throws when a sandbox is required and missing. */
function confine(
  opts: RunScriptOptions,
  file: string,
  argv: string[],
  env: Record<string, string>,
): [string, string[]] {
  if (!opts.sandbox) return [file, argv];
  if (!opts.sandbox.bwrap) {
    if (!opts.sandbox.require) return [file, argv];
    throw new RuntimeError(
      'SANDBOX_UNAVAILABLE',
      'scripts may only run sandboxed here, and bwrap (bubblewrap) is not installed',
    );
  }
  const caps = opts.skill.capabilities ?? {};
  const allowed = opts.permissions?.write;
  const declared = (caps.write ?? []).filter(
    (w) => !allowed || allowed.some((a) => w === a || w.startsWith(`${a.replace(/\/+$/, '')}/`)),
  );
  const plan = {
    cwd: opts.cwd,
    skillDir: opts.skill.dir,
    write: writablePaths(opts.cwd, declared).paths,
    network: opts.permissions?.network !== false && (caps.network ?? []).length > 0,
    env,
  };
  return [opts.sandbox.bwrap, bwrapArgs(plan, file, argv)];
}

/** The variables every script gets, when the host has them: none of them is a secret. */
export const BASE_ENV = ['PATH', 'HOME', 'TMPDIR'] as const;

/**
 * A script's whole environment: PATH, HOME, TMPDIR and the `declared` names, with their values
 * from `source`; any other variable of `source` (the host's API keys and tokens) is left out.
 * @example scriptEnv(['DEPLOY_TOKEN'], process.env) // { PATH: '…', HOME: '…', DEPLOY_TOKEN: '…' }
 */
export function scriptEnv(
  declared: readonly string[],
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...BASE_ENV, ...declared]) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

function tail(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  return `…(${text.length - MAX_OUTPUT_CHARS} characters cut)\n${text.slice(-MAX_OUTPUT_CHARS)}`;
}
