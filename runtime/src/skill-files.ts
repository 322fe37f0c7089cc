import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { decodeText } from '@skills/archive';

/** The largest file read_skill_file returns; references are meant to be read whole, not logs. */
export const MAX_READ_BYTES = 256 * 1024;
/** At most this many files are listed on activation. */
const MAX_LISTED_FILES = 200;

/**
 * Resolves `path` inside `dir`, refusing anything that could leave it: an absolute path, a `..`
 * segment, a backslash, a NUL, or a symlink (anywhere on the way) whose target is outside `dir`.
 * Throws an Error whose message is meant for the model.
 * @example await confinedPath('/p/.agents/skills/pdf', 'references/forms.md') // '/p/.agents/skills/pdf/references/forms.md'
 */
export async function confinedPath(dir: string, path: string): Promise<string> {
  if (typeof path !== 'string' || path === '') throw new Error('a path inside the skill folder is required');
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path))
    throw new Error(`"${path}" is absolute; give a path inside the skill folder`);
  if (path.includes('\\') || path.includes('\0')) throw new Error(`"${path}" is not a plain relative path`);
  if (path.split('/').includes('..')) throw new Error(`"${path}" leaves the skill folder ("..")`);
  const root = await realpath(dir);
  let real: string;
  try {
    real = await realpath(join(root, path));
  } catch {
    throw new Error(`"${path}" does not exist in this skill`);
  }
  const rel = relative(root, real);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`"${path}" resolves outside the skill folder`);
  }
  return real;
}

/**
 * Reads a UTF-8 text file of a skill, confined as confinedPath says and capped at
 * MAX_READ_BYTES. Throws (for the model) on a directory, a binary file or a file too large.
 * @example await readSkillFile(skill.dir, 'references/api.md')
 */
export async function readSkillFile(dir: string, path: string): Promise<string> {
  const real = await confinedPath(dir, path);
  const info = await stat(real);
  if (info.isDirectory()) {
    const files = await listSkillFiles(real);
    return `"${path}" is a folder holding:\n${files.map((f) => `- ${path.replace(/\/$/, '')}/${f}`).join('\n')}`;
  }
  if (!info.isFile()) throw new Error(`"${path}" is not a regular file`);
  if (info.size > MAX_READ_BYTES) {
    throw new Error(`"${path}" is ${info.size} bytes; at most ${MAX_READ_BYTES} are read`);
  }
  const text = decodeText(await readFile(real));
  if (text === undefined) throw new Error(`"${path}" is a binary file`);
  return text;
}

/**
 * The files of a skill folder, relative to it and sorted (hidden entries and symlinks left out,
 * at most 200), so the model knows what read_skill_file and run_skill_script can reach.
 * @example await listSkillFiles(skill.dir) // ['SKILL.md', 'references/api.md', 'scripts/check.sh']
 */
export async function listSkillFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(dir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (out.length >= MAX_LISTED_FILES || e.name.startsWith('.')) continue;
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else if (e.isFile()) out.push(rel);
    }
  };
  await walk('');
  return out;
}
