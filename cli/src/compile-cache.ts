import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import type { main as Main } from './main.ts';

/** What `loadMain` hands back: the bundle's `main`, and `save` to call once a command succeeded. */
export interface LoadedMain {
  main: typeof Main;
  /** Writes V8's code cache for this command when it had none or V8 refused it; never throws. */
  save(): void;
}

/**
 * Loads the bundled CLI (`dist/main.cjs`) through V8's code cache, the way Node 22's
 * `module.enableCompileCache()` does (Node 20 has no such switch): compiling the ~850 KB bundle
 * was the largest single cost of a short command. The cache is one file per command, written
 * after that command first succeeds, so it also holds the functions the command compiled while
 * it ran, not only the bundle's top level. V8 refuses a cache made for other source text, another
 * V8 or other flags (`cachedDataRejected`); the file name also carries the CLI version and the
 * bundle's path, size and mtime, so a rebuilt or another copy of the bundle never meets this cache.
 *
 * Where: `SKILLS_COMPILE_CACHE` names a folder, or turns the cache off (`0`, `off`, `false`);
 * by default `<tmpdir>/skills-compile-cache-<uid>`, created 0700. Code cache is code, so a
 * folder that is a symlink, owned by another user, or writable by group or others is not used.
 */
export function loadMain(
  file: string,
  opts: { version: string; command: string | undefined; env: NodeJS.ProcessEnv },
): LoadedMain {
  const source = readFileSync(file, 'utf8');
  const cacheFile = cachePath(file, opts);
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as { main: typeof Main } };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    main: module.exports.main,
    save() {
      if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
      try {
        writeCache(cacheFile, script.createCachedData());
      } catch {
        // Only a cache: the next run compiles again.
      }
    },
  };
}

const OFF = new Set(['0', 'off', 'false']);

function cachePath(
  file: string,
  opts: { version: string; command: string | undefined; env: NodeJS.ProcessEnv },
): string | undefined {
  const setting = opts.env.SKILLS_COMPILE_CACHE;
  if (setting !== undefined && OFF.has(setting.toLowerCase())) return undefined;
  const uid = process.getuid?.();
  const dir = setting || join(tmpdir(), `skills-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const d = lstatSync(dir);
    if (!d.isDirectory() || (d.mode & 0o022) !== 0 || (uid !== undefined && d.uid !== uid)) return undefined;
    const s = statSync(file);
    const command = opts.command && /^[a-z][a-z-]{0,23}$/.test(opts.command) ? opts.command : 'other';
    const key = [
      opts.version,
      process.version,
      process.arch,
      fnv1a(file),
      s.size,
      Math.trunc(s.mtimeMs),
    ].join('-');
    return join(dir, `${command}.${key}.v8`);
  } catch {
    return undefined;
  }
}

/** Temp file and rename, 0600; caches of the same command from other builds are removed. */
function writeCache(cacheFile: string, data: Buffer): void {
  const dir = dirname(cacheFile);
  const name = basename(cacheFile);
  const command = name.slice(0, name.indexOf('.') + 1);
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(tmp, cacheFile);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  for (const other of readdirSync(dir)) {
    if (other.startsWith(command) && other.endsWith('.v8') && other !== name)
      rmSync(join(dir, other), { force: true });
  }
}

/** A short hash of the bundle's path, so that two installs of the CLI never share a cache file. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
