import { accessSync, constants, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** How skill scripts are confined. */
export interface ScriptSandbox {
  /** The `bwrap` (bubblewrap) executable, or null when it is not installed. */
  bwrap: string | null;
  /** Refuse to run scripts at all without bwrap (`--require-sandbox`). */
  require: boolean;
}

/** What one sandboxed script may see and do. */
export interface SandboxPlan {
  /** The project: mounted read-only, the working folder. */
  cwd: string;
  /** The skill's folder: mounted read-only (it may live outside the project). */
  skillDir: string;
  /** Paths inside the project mounted writable (the bundle's declared `write`). */
  write: readonly string[];
  /** Whether the script shares the host's network (the bundle declares `network`). */
  network: boolean;
  /** The script's whole environment (PATH and the declared variables); HOME and TMPDIR become /tmp. */
  env: Readonly<Record<string, string>>;
}

/**
 * The path of `bwrap` on `path` (a PATH value), or null.
 * @example findBwrap(process.env.PATH) // '/usr/bin/bwrap'
 */
export function findBwrap(path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'bwrap');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

/** System folders scripts need (shells, interpreters, libraries), read-only. */
const SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc', '/opt'];

/**
 * The `bwrap` arguments that run `file argv` confined: every namespace unshared (no network
 * unless `plan.network`), the system folders and the project read-only, only the `write` paths
 * writable, a private /tmp (also HOME and TMPDIR), /proc and /dev of its own, no other file of
 * the host (no home folder, no other project), a cleared environment holding only `plan.env`,
 * its own session (no terminal injection), killed with its parent.
 * @example execFile(bwrap, bwrapArgs(plan, '/usr/bin/sh', ['check.sh']))
 */
export function bwrapArgs(plan: SandboxPlan, file: string, argv: readonly string[]): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all'];
  if (plan.network) args.push('--share-net');
  for (const dir of systemDirs()) {
    const link = symlinkTarget(dir);
    if (link !== undefined) args.push('--symlink', link, dir);
    else args.push('--ro-bind-try', dir, dir);
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  args.push('--ro-bind', plan.cwd, plan.cwd);
  if (!inside(plan.cwd, plan.skillDir)) args.push('--ro-bind', plan.skillDir, plan.skillDir);
  for (const w of plan.write) args.push('--bind', w, w);
  args.push('--clearenv');
  for (const [k, v] of Object.entries({ ...plan.env, HOME: '/tmp', TMPDIR: '/tmp' }))
    args.push('--setenv', k, v);
  args.push('--chdir', plan.cwd, '--', file, ...argv);
  return args;
}

/**
 * The declared `write` paths that exist inside the project, as real absolute paths; a path that
 * is absolute, leaves the project (`..`, a symlink out) or does not exist is left out, with why.
 * @example writablePaths('/repo', ['dist', '../etc']) // { paths: ['/repo/dist'], refused: ['../etc: leaves the project'] }
 */
export function writablePaths(
  cwd: string,
  declared: readonly string[],
): { paths: string[]; refused: string[] } {
  const root = realpathSync(cwd);
  const paths: string[] = [];
  const refused: string[] = [];
  for (const p of declared) {
    if (isAbsolute(p)) {
      refused.push(`${p}: an absolute path`);
      continue;
    }
    let real: string;
    try {
      real = realpathSync(join(root, p));
    } catch {
      refused.push(`${p}: does not exist`);
      continue;
    }
    if (!inside(root, real)) refused.push(`${p}: leaves the project`);
    else paths.push(real);
  }
  return { paths, refused };
}

function systemDirs(): string[] {
  const dirs = [...SYSTEM];
  // Node itself, when installed outside the system folders (nvm, /usr/local is under /usr).
  const node = dirname(dirname(process.execPath));
  if (!SYSTEM.some((d) => inside(d, node))) dirs.push(node);
  return dirs;
}

function symlinkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
