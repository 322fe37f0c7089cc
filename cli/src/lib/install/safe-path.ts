import { lstat, readlink, realpath, rm, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SkillsError } from '../errors.ts';

/** Symlinks followed for one path before giving up (the kernel's own limit is 40). */
const MAX_LINKS = 32;

/**
 * Checks that `rel` (a folder the CLI writes into or removes from, such as `.agents/skills` or
 * `.claude/skills`) stays inside the project: each component is `lstat`ed from the root down; a
 * symlink is followed only when its target is inside the project (then the walk goes on from
 * there), and what does not exist yet is fine (it will be created as a real folder). Returns the
 * real absolute path (its missing tail spelled as given). Throws UNSAFE_PATH naming the component
 * and where it points when a symlink leads out of the project, chains too deep, or dangles
 * outside it. Read-only: call it before anything is written.
 * @example await resolveInsideProject('/repo', '.claude/skills') // '/repo/.claude/skills'
 */
export async function resolveInsideProject(projectDir: string, rel: string): Promise<string> {
  // A project folder not made yet holds nothing to follow.
  const root = await realpath(projectDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return resolve(projectDir);
    throw err;
  });
  return walk(root, root, rel, { rel, links: 0 });
}

/**
 * Checks every path with resolveInsideProject, one after the other (the first refusal wins).
 * @example await assertInsideProject(root, ['.agents/skills', '.claude/skills'])
 */
export async function assertInsideProject(projectDir: string, rels: readonly string[]): Promise<void> {
  for (const rel of rels) await resolveInsideProject(projectDir, rel);
}

/**
 * Removes one entry without ever following it: a symlink is unlinked (its target untouched), a
 * folder or file is removed; a missing entry is no error. The caller has checked the folder
 * that holds it (resolveInsideProject).
 * @example await removeEntry('/repo/.claude/skills/deploy')
 */
export async function removeEntry(path: string): Promise<void> {
  const s = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!s) return;
  if (s.isSymbolicLink()) await unlink(path);
  else await rm(path, { recursive: true, force: true });
}

interface WalkState {
  /** The path asked about, for messages. */
  rel: string;
  links: number;
}

async function walk(root: string, from: string, rel: string, state: WalkState): Promise<string> {
  let cur = from;
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  for (const [i, part] of parts.entries()) {
    const next = join(cur, part);
    if (!inside(root, next)) throw unsafe(root, state.rel, next, 'leads outside the project');
    const s = await lstat(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    // Nothing there: the rest is created by the CLI, as real folders, inside `cur`.
    if (!s) return join(next, ...parts.slice(i + 1));
    if (!s.isSymbolicLink()) {
      cur = next;
      continue;
    }
    if (++state.links > MAX_LINKS) throw unsafe(root, state.rel, next, 'goes through too many symlinks');
    const text = await readlink(next);
    const target = resolve(cur, text);
    if (!inside(root, target))
      throw unsafe(root, state.rel, next, `is a symlink to ${printable(text)}, outside the project`);
    // The target may hold links of its own: walk it from the root, as the kernel would.
    cur = await walk(root, root, relative(root, target), state);
  }
  return cur;
}

function inside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

function unsafe(root: string, asked: string, at: string, why: string): SkillsError {
  const where = printable(relative(root, at) || '.');
  const of = asked === relative(root, at) ? '' : ` (on the way to ${printable(asked)})`;
  return new SkillsError('UNSAFE_PATH', `${where} ${why}${of}`, {
    hint: 'skills never writes or removes through a symlink that leaves the project; replace it with a real folder (or a link inside the project) and retry. Nothing was changed',
    details: { path: relative(root, at), asked },
  });
}

/** A path or link text for a message: control characters replaced, length capped. */
function printable(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
