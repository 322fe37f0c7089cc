import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A fresh temp directory; remove it with `cleanup()` (or leave it to the OS).
 * @example const { dir, cleanup } = await makeTempDir('pack-')
 */
export async function makeTempDir(
  prefix = 'skills-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes an inline file tree under `root`: `{ 'a/SKILL.md': '…' }`. Buffers are written as is.
 * @example await writeTree(dir, { 'skill.json': JSON.stringify({ name: 'x', version: '1.0.0' }) })
 */
export async function writeTree(root: string, tree: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** A SKILL.md with the given frontmatter fields (strings only) and a short body. */
export function skillMd(fields: Record<string, string>, body = 'Use this skill when asked.\n'): string {
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join('\n')}\n---\n\n${body}`;
}

/**
 * A valid single-skill bundle tree: skill.json and SKILL.md at the root.
 * @example await writeTree(dir, singleSkillBundle('deploy-thing', '1.0.0'))
 */
export function singleSkillBundle(
  name: string,
  version: string,
  extra: Record<string, unknown> = {},
): Record<string, string> {
  const last = name.split('/').pop() ?? name;
  return {
    'skill.json': `${JSON.stringify({ name, version, description: `The ${last} skill`, license: 'MIT', ...extra }, null, 2)}\n`,
    'SKILL.md': skillMd({
      name: last,
      description: `Does ${last} things. Use when the user asks for ${last}.`,
    }),
  };
}

/**
 * Every entry under `dir` by relative path: a file's content, `-> target` for a symlink (never
 * followed), `dir` for a folder. For asserting that a folder is left exactly as it was.
 * @example expect(await snapshotTree(outside)).toEqual(before)
 */
export async function snapshotTree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(dir, prefix)).catch(() => [] as string[])).sort()) {
    const rel = join(prefix, name);
    const s = await lstat(join(dir, rel));
    if (s.isSymbolicLink()) out[rel] = `-> ${await readlink(join(dir, rel))}`;
    else if (s.isDirectory()) Object.assign(out, { [rel]: 'dir' }, await snapshotTree(dir, rel));
    else out[rel] = await readFile(join(dir, rel), 'utf8');
  }
  return out;
}
