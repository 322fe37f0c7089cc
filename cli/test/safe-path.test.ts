import { mkdir, readdir, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { removeEntry, resolveInsideProject } from '../src/lib/install/safe-path.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function world(): Promise<{ project: string; outside: string }> {
  const { dir, cleanup } = await makeTempDir('skills-safe-path-');
  cleanups.push(cleanup);
  const base = await realpath(dir);
  await writeTree(base, { 'repo/skills.json': '{}', 'outside/keep/file.txt': 'keep\n' });
  return { project: join(base, 'repo'), outside: join(base, 'outside') };
}
async function refusal(p: Promise<unknown>): Promise<SkillsError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SkillsError);
  expect((err as SkillsError).code).toBe('UNSAFE_PATH');
  return err as SkillsError;
}

describe('resolveInsideProject', () => {
  it('returns the path as given when nothing on it exists yet, or every component is a real folder', async () => {
    const { project } = await world();
    expect(await resolveInsideProject(project, '.claude/skills')).toBe(join(project, '.claude/skills'));
    await mkdir(join(project, '.claude/skills'), { recursive: true });
    expect(await resolveInsideProject(project, '.claude/skills')).toBe(join(project, '.claude/skills'));
  });

  it('follows links that stay inside, even dangling ones, and returns where they lead', async () => {
    const { project } = await world();
    await mkdir(join(project, 'config'));
    await symlink('config', join(project, '.claude'));
    expect(await resolveInsideProject(project, '.claude/skills')).toBe(join(project, 'config/skills'));
    await symlink('../.agents/skills', join(project, 'config/skills'));
    expect(await resolveInsideProject(project, '.claude/skills')).toBe(join(project, '.agents/skills'));
  });

  it('refuses relative, absolute and chained links out of the project, and link loops', async () => {
    const { project, outside } = await world();
    await symlink('../outside', join(project, '.claude'));
    const rel = await refusal(resolveInsideProject(project, '.claude/skills'));
    expect(rel.message).toBe(
      '.claude is a symlink to ../outside, outside the project (on the way to .claude/skills)',
    );
    await symlink(outside, join(project, '.agents'));
    expect((await refusal(resolveInsideProject(project, '.agents/skills'))).message).toContain(
      `.agents is a symlink to ${outside}, outside the project`,
    );
    await symlink('../outside/missing', join(project, 'dangling'));
    await symlink('dangling', join(project, '.cursor'));
    expect((await refusal(resolveInsideProject(project, '.cursor/skills'))).message).toContain(
      'dangling is a symlink to ../outside/missing',
    );
    await symlink('loop-b', join(project, 'loop-a'));
    await symlink('loop-a', join(project, 'loop-b'));
    await symlink('loop-a', join(project, '.gemini'));
    expect((await refusal(resolveInsideProject(project, '.gemini/skills'))).message).toContain(
      'goes through too many symlinks',
    );
  });
});

describe('removeEntry', () => {
  it('unlinks a symlink without touching its target, removes a folder, ignores a missing entry', async () => {
    const { project, outside } = await world();
    await symlink(join(outside, 'keep'), join(project, 'link'));
    await writeTree(project, { 'own/a.txt': 'a' });
    await removeEntry(join(project, 'link'));
    await removeEntry(join(project, 'own'));
    await removeEntry(join(project, 'missing'));
    expect((await readdir(project)).sort()).toEqual(['skills.json']);
    expect(await readdir(join(outside, 'keep'))).toEqual(['file.txt']);
  });
});
