import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitTree, recoverTree, stageTree, treePaths } from '../src/lib/install/skills-tree.ts';
import type { IndexedFile } from '../src/lib/store/store-index.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';

const file = (path: string): IndexedFile => ({ path, integrity: 'sha512-x', size: 1, executable: false });

describe('skills tree: stage, swap, recover', () => {
  let project: string;
  let store: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const t = await makeTempDir('skills-tree-');
    cleanup = t.cleanup;
    project = join(t.dir, 'project');
    store = join(t.dir, 'store');
    await writeTree(store, { 'new/SKILL.md': 'new version\n', 'added/SKILL.md': 'added\n' });
    await writeTree(project, {
      '.agents/skills/mine/SKILL.md': 'my own skill\n',
      '.agents/skills/kept/SKILL.md': 'kept, edited locally\n',
      '.agents/skills/new/SKILL.md': 'old version\n',
      '.agents/skills/gone/SKILL.md': 'removed bundle\n',
      'skills-lock.json': 'old lock\n',
    });
  });
  afterEach(async () => cleanup());

  const plan = () => ({
    projectDir: project,
    managed: new Set(['kept', 'new', 'gone']),
    keep: new Set(['kept']),
    write: new Map([
      ['new', { sourceDir: join(store, 'new'), files: [file('SKILL.md')] }],
      ['added', { sourceDir: join(store, 'added'), files: [file('SKILL.md')] }],
    ]),
  });
  const skill = (name: string) => readFile(join(project, '.agents/skills', name, 'SKILL.md'), 'utf8');
  const agentsDir = () => readdir(join(project, '.agents'));

  it('swaps in the new tree: own skills and kept skills untouched, others replaced, lockfile last', async () => {
    const before = await stat(join(project, '.agents/skills/mine/SKILL.md'));
    const id = await stageTree(plan());
    let sawLinks = false;
    await commitTree(project, id, { lockfile: 'new lock\n', manifest: null }, async () => {
      sawLinks = true;
      expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('old lock\n');
    });
    expect(sawLinks).toBe(true);
    expect((await readdir(join(project, '.agents/skills'))).sort()).toEqual(['added', 'kept', 'mine', 'new']);
    expect(await skill('mine')).toBe('my own skill\n');
    expect((await stat(join(project, '.agents/skills/mine/SKILL.md'))).ino).toBe(before.ino);
    expect(await skill('kept')).toBe('kept, edited locally\n');
    expect(await skill('new')).toBe('new version\n');
    expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('new lock\n');
    expect(await agentsDir()).toEqual(['skills']);
  });

  it('never overwrites a folder it did not install', async () => {
    const p = plan();
    p.managed.delete('new');
    await expect(stageTree(p)).rejects.toMatchObject({ code: 'SKILL_EXISTS' });
    expect(await agentsDir()).toEqual(['skills']);
  });

  it('drops a half-built staging folder', async () => {
    await stageTree(plan());
    expect((await agentsDir()).some((n) => n.startsWith('.staging-'))).toBe(true);
    expect(await recoverTree(project)).toBe('discarded');
    expect(await agentsDir()).toEqual(['skills']);
    expect(await skill('new')).toBe('old version\n');
  });

  it('drops a staged tree whose swap never started, keeping the old tree and lockfile', async () => {
    const id = await stageTree(plan());
    await writeFile(
      treePaths(project).journal,
      JSON.stringify({ id, lockfile: 'new lock\n', manifest: null }),
    );
    expect(await recoverTree(project)).toBe('discarded');
    expect(await skill('new')).toBe('old version\n');
    expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('old lock\n');
    expect(await agentsDir()).toEqual(['skills']);
  });

  it('completes a swap cut between its two renames', async () => {
    const id = await stageTree(plan());
    const p = treePaths(project, id);
    await writeFile(p.journal, JSON.stringify({ id, lockfile: 'new lock\n', manifest: '{}\n' }));
    await rename(p.skillsDir, p.old);
    expect(await recoverTree(project)).toBe('completed');
    expect(await skill('new')).toBe('new version\n');
    expect(await skill('mine')).toBe('my own skill\n');
    expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('new lock\n');
    expect(await readFile(join(project, 'skills.json'), 'utf8')).toBe('{}\n');
    expect(await agentsDir()).toEqual(['skills']);
  });

  it('completes a swap killed before the lockfile was written', async () => {
    const id = await stageTree(plan());
    await expect(
      commitTree(project, id, { lockfile: 'new lock\n', manifest: null }, async () => {
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('old lock\n');
    expect(await recoverTree(project)).toBe('completed');
    expect(await readFile(join(project, 'skills-lock.json'), 'utf8')).toBe('new lock\n');
    expect(await skill('new')).toBe('new version\n');
    expect(await agentsDir()).toEqual(['skills']);
  });

  it('without a journal, puts an old tree back when the live one is missing, else deletes it', async () => {
    const p = treePaths(project, 'abc');
    await rename(p.skillsDir, p.old);
    expect(await recoverTree(project)).toBe('clean');
    expect(await skill('new')).toBe('old version\n');
    await mkdir(p.old);
    await recoverTree(project);
    expect(await agentsDir()).toEqual(['skills']);
  });
});
