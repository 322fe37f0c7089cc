import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SkillsError } from '../errors.ts';

/** What a git checkout gave: the files of one commit in `dir` (with a `.git` the packer skips). */
export interface GitCheckout {
  dir: string;
  /** The full 40-hex commit. */
  commit: string;
}

/** Output git may print before it is cut off. */
const MAX_OUTPUT = 1024 * 1024;

/**
 * Settings on every git call. No configuration but these is read (no system or user file), so
 * nothing a config could run (hooks, fsmonitor, filters, credential helpers, templates with
 * hooks) ever runs; submodules are never touched.
 */
const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.autocrlf=false',
  'core.symlinks=true',
  'submodule.recurse=false',
  'advice.detachedHead=false',
  'init.defaultBranch=main',
];

/**
 * Checks out one commit of `url` (`https://…` or `file:///…`) at `ref` (a tag, branch, full or
 * short commit, or `HEAD`) into `<into>/tree`, without running anything from the repository or
 * the user's git configuration: git runs with no system or global config, hooks pointed at
 * /dev/null, `GIT_TERMINAL_PROMPT=0`, only the URL's transport allowed
 * (`protocol.file.allow=always` only for `file://`), no submodules, into a fresh repository
 * made without templates. Fetches just the ref (depth 1) and falls back to every branch and tag
 * for a short commit. Throws GIT_FAILED naming the URL and ref.
 * @example const { dir, commit } = await gitCheckout({ url: 'file:///srv/repo', ref: 'v1', into: tmp, env })
 */
export async function gitCheckout(opts: {
  url: string;
  ref: string;
  into: string;
  env: Readonly<Record<string, string | undefined>>;
}): Promise<GitCheckout> {
  const dir = join(opts.into, 'tree');
  await mkdir(dir, { recursive: true });
  const transport = opts.url.startsWith('file:') ? 'file' : 'https';
  const env = gitEnv(opts.env, { home: opts.into, transport });
  const what = `git+${opts.url}#${opts.ref}`;
  const git = (args: string[]) => runGit(args, { cwd: dir, env, transport, what });
  await git(['init', '-q', '--template=', '.']);
  const fetched = await git([
    'fetch',
    '-q',
    '--depth=1',
    '--no-tags',
    '--no-recurse-submodules',
    opts.url,
    opts.ref,
  ])
    .then(() => true)
    .catch(() => false);
  let rev = 'FETCH_HEAD^{commit}';
  if (!fetched) {
    // A short commit cannot be fetched by name: fetch every branch and tag, then find it.
    await git([
      'fetch',
      '-q',
      '--no-recurse-submodules',
      opts.url,
      '+refs/heads/*:refs/remotes/source/*',
      '+refs/tags/*:refs/tags/*',
    ]);
    rev = `${opts.ref}^{commit}`;
  }
  const notThere = () => gitError(what, `"${opts.ref}" is not a tag, branch or commit there`);
  const commit = (
    await git(['rev-parse', '--verify', '--end-of-options', rev]).catch(() => {
      throw notThere();
    })
  ).trim();
  if (!/^[0-9a-f]{40}$/.test(commit)) throw notThere();
  await git(['checkout', '-q', '--detach', '--no-recurse-submodules', commit]);
  return { dir, commit };
}

/**
 * The environment git runs with: PATH and proxy settings from the user's, nothing else of
 * theirs (no GIT_* variable, HOME a temp folder), no config files, no prompts.
 */
function gitEnv(
  user: Readonly<Record<string, string | undefined>>,
  opts: { home: string; transport: 'file' | 'https' },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of [
    'PATH',
    'SYSTEMROOT',
    'HTTPS_PROXY',
    'https_proxy',
    'NO_PROXY',
    'no_proxy',
    'SSL_CERT_FILE',
  ]) {
    const v = user[k] ?? (k === 'PATH' ? process.env.PATH : undefined);
    if (v !== undefined) env[k] = v;
  }
  return {
    ...env,
    HOME: opts.home,
    XDG_CONFIG_HOME: opts.home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: opts.transport,
    LC_ALL: 'C',
  };
}

function runGit(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; transport: 'file' | 'https'; what: string },
): Promise<string> {
  const config = [...SAFE_CONFIG, ...(opts.transport === 'file' ? ['protocol.file.allow=always'] : [])];
  const argv = [...config.flatMap((c) => ['-c', c]), ...args];
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      argv,
      { cwd: opts.cwd, env: opts.env, maxBuffer: MAX_OUTPUT, windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolvePromise(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(gitError(opts.what, 'git is not installed (it is needed for git+ sources)'));
          return;
        }
        const detail =
          String(stderr)
            .replace(/[^\x20-\x7e\n]/g, '?')
            .trim()
            .split('\n')
            .pop() ?? '';
        reject(gitError(opts.what, `git ${args[0]} failed${detail ? `: ${detail.slice(0, 300)}` : ''}`));
      },
    );
  });
}

function gitError(what: string, why: string): SkillsError {
  return new SkillsError('GIT_FAILED', `${what.replace(/[^\x20-\x7e]/g, '?')}: ${why}`, {
    hint: 'check the URL and the ref (a tag, branch or commit); git runs without your git configuration (no credential helpers), so it reaches public or local repositories only',
  });
}
