import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SkillsError } from '../errors.ts';

/**
 * A bundle that comes from somewhere other than a registry, as skills.json records it:
 * `file:PATH` (a bundle folder, a skill folder or a packed `.tgz`; PATH relative to the project,
 * forward slashes, as npm writes `file:` specs) or `git+https://HOST/REPO#REF` /
 * `git+file:///ABS/REPO#REF` (REF a tag, branch or commit; the remote's HEAD without `#`).
 */
export type SourceSpec =
  | { kind: 'file'; spec: string /** Absolute. */; path: string }
  | {
      kind: 'git';
      spec: string /** What git is given: `https://…` or `file:///…`. */;
      url: string;
      ref: string;
    };

/** True for a skills.json value that names a source rather than a range or tag. */
export function isSourceSpec(value: string): boolean {
  return value.startsWith('file:') || value.startsWith('git+');
}

/** True for a lockfile `resolved` that is not a registry URL (`file:…`, `git+…#SHA`). */
export function isSourceResolved(resolved: string): boolean {
  return isSourceSpec(resolved);
}

/**
 * True for a command-line argument that names a source instead of `name[@range]`: a path
 * (`./x`, `../x`, `/x`, `x.tgz`), `file:…` or `git+…`.
 */
export function looksLikeSource(arg: string): boolean {
  return (
    isSourceSpec(arg) ||
    arg.startsWith('./') ||
    arg.startsWith('../') ||
    arg === '.' ||
    arg === '..' ||
    isAbsolute(arg) ||
    (/\.(tgz|tar\.gz)$/.test(arg) && !arg.includes('@'))
  );
}

/**
 * The skills.json form of a command-line source: a path (relative to `cwd`) becomes `file:` and
 * a path relative to `baseDir` (the folder of skills.json); `file:` and `git+` are kept as
 * written (a `file:` path is taken relative to `baseDir`, as skills.json would). Throws USAGE for
 * an unsupported git transport or a path that cannot be written in skills.json.
 * @example sourceSpecFromArg('./my-skill', { cwd: '/p/sub', baseDir: '/p' }) // 'file:sub/my-skill'
 */
export function sourceSpecFromArg(arg: string, opts: { cwd: string; baseDir: string }): string {
  if (arg.startsWith('git+')) return parseSourceSpec(arg, opts.baseDir).spec;
  const abs = arg.startsWith('file:') ? resolve(opts.baseDir, arg.slice(5)) : resolve(opts.cwd, arg);
  const rel = relative(opts.baseDir, abs).split(sep).join('/');
  return parseSourceSpec(`file:${rel === '' ? '.' : rel}`, opts.baseDir).spec;
}

/**
 * Parses a skills.json source value. `file:` paths are resolved against `baseDir`. Throws USAGE
 * naming the problem for anything else, a git transport other than https and file, or a value
 * skills.json cannot hold (control characters, over 256 characters).
 * @example parseSourceSpec('git+file:///srv/repo#v1', '/p') // { kind: 'git', url: 'file:///srv/repo', ref: 'v1', … }
 */
export function parseSourceSpec(spec: string, baseDir: string): SourceSpec {
  if (spec.length > 256 || !/^[\x21-\x7e ]+$/.test(spec)) {
    throw bad(spec, 'must be printable ASCII of at most 256 characters to be written in skills.json');
  }
  if (spec.startsWith('file:')) {
    const path = spec.slice(5);
    if (path === '') throw bad(spec, 'names no path');
    return { kind: 'file', spec, path: resolve(baseDir, path) };
  }
  const m = /^git\+(https|file):\/\/([^#]+)(?:#(.*))?$/.exec(spec);
  if (!m) {
    throw bad(
      spec,
      spec.startsWith('git+')
        ? 'only git+https:// and git+file:// are supported'
        : 'is not a version, range, tag, file: path or git+ URL',
    );
  }
  const ref = m[3] ?? 'HEAD';
  // A ref is handed to git as an argument: it must not look like an option or a refspec.
  if (ref === '' || ref.startsWith('-') || !/^[A-Za-z0-9._/-]+$/.test(ref) || ref.includes('..')) {
    throw bad(spec, `"#${ref}" is not a tag, branch or commit name`);
  }
  if (m[1] === 'file' && !m[2]!.startsWith('/'))
    throw bad(spec, 'git+file:// needs an absolute path (git+file:///…)');
  return { kind: 'git', spec, url: `${m[1]}://${m[2]}`, ref };
}

function bad(spec: string, why: string): SkillsError {
  const shown = spec.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
  return new SkillsError('USAGE', `"${shown}" ${why}`, {
    hint: 'install from a folder (./path), a packed bundle (./x.tgz), git+https://HOST/REPO#REF or git+file:///ABS/REPO#REF',
    exitCode: 2,
  });
}
