import { mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from './fixtures/bundles.ts';
import { makeTempDir, snapshotTree, writeTree } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * A hostile project (security.md row 20): a cloned repo whose `.agents`, `.agents/skills` or
 * agent folder is a symlink out of the project. Every command that writes the tree refuses with
 * UNSAFE_PATH before writing anything, and the folder outside is left exactly as it was.
 */
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
/** skills.json and skills-lock.json of a project that installed `guarded` for claude. */
let committed: Record<string, string>;

const run = (args: string[], cwd: string) => runMain(args, { cwd, env });

/** A clone of the committed project beside an `outside` folder holding a skill's name. */
async function hostileClone(name: string): Promise<{ project: string; outside: string }> {
  const base = join(root, name);
  const project = join(base, 'repo');
  const outside = join(base, 'outside');
  await writeTree(project, committed);
  await writeTree(outside, {
    'guarded/precious.txt': 'not yours to delete\n',
    'skills/guarded/precious.txt': 'nor this\n',
  });
  return { project, outside };
}

beforeAll(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-e2e-symlinks-'));
  const { token } = await reg.createUser('alice');
  env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
  const src = await writeBundle(join(root, 'src'), 'guarded', '1.0.0');
  expect((await run(['publish', src], root)).code).toBe(0);
  const first = join(root, 'first');
  await mkdir(first);
  const r = await run(['install', 'guarded', '--agent', 'claude'], first);
  expect(r.code, r.stderr).toBe(0);
  committed = {
    'skills.json': await readFile(join(first, 'skills.json'), 'utf8'),
    'skills-lock.json': await readFile(join(first, 'skills-lock.json'), 'utf8'),
  };
}, 120_000);

afterAll(async () => {
  await reg?.close();
  await cleanup?.();
});

describe('a project whose folders are symlinks out of it', () => {
  const layouts: { name: string; link: string; target: string; component: string }[] = [
    { name: 'agent-folder', link: '.claude/skills', target: '../../outside', component: '.claude/skills' },
    { name: 'agent-parent', link: '.claude', target: '../outside', component: '.claude' },
    { name: 'agents', link: '.agents', target: '../outside', component: '.agents' },
    {
      name: 'agents-skills',
      link: '.agents/skills',
      target: '../../outside/skills',
      component: '.agents/skills',
    },
  ];
  const commands = [['install'], ['ci'], ['update'], ['uninstall', 'guarded']];

  for (const layout of layouts) {
    it(`refuses ${layout.link} -> ${layout.target} on install, ci, update and uninstall, touching nothing`, async () => {
      const { project, outside } = await hostileClone(layout.name);
      await mkdir(join(project, layout.link, '..'), { recursive: true });
      await symlink(layout.target, join(project, layout.link));
      const outsideBefore = await snapshotTree(outside);
      const projectBefore = await snapshotTree(project);
      for (const args of commands) {
        const r = await run([...args, '--json'], project);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        const err = JSON.parse(r.stdout).error;
        expect(err.code, args.join(' ')).toBe('UNSAFE_PATH');
        expect(err.message).toContain(
          `${layout.component} is a symlink to ${layout.target}, outside the project`,
        );
        expect(await snapshotTree(outside), args.join(' ')).toEqual(outsideBefore);
        expect(await snapshotTree(project), args.join(' ')).toEqual(projectBefore);
      }
      const text = await run(['install'], project);
      expect(text.stderr).toMatch(/^ERR_SKILLS_UNSAFE_PATH: /m);
    });
  }

  it('refuses a link that reaches outside through a chain of links inside the project', async () => {
    const { project, outside } = await hostileClone('chain');
    await symlink('hop', join(project, '.claude'));
    await symlink('../outside', join(project, 'hop'));
    const before = await snapshotTree(outside);
    const r = await run(['install', '--json'], project);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toContain(
      'hop is a symlink to ../outside, outside the project',
    );
    expect(await snapshotTree(outside)).toEqual(before);
  });

  it('follows a symlinked agent folder that stays inside the project', async () => {
    const { project, outside } = await hostileClone('inside');
    await mkdir(join(project, 'config/claude'), { recursive: true });
    await symlink('config/claude', join(project, '.claude'));
    const before = await snapshotTree(outside);
    const r = await run(['install'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(join(project, 'config/claude/skills/guarded'))).toBe(
      '../../../.agents/skills/guarded',
    );
    expect(await readFile(join(project, '.claude/skills/guarded/SKILL.md'), 'utf8')).toContain(
      'guarded at 1.0.0',
    );
    expect(await snapshotTree(outside)).toEqual(before);
  });

  it('unlinks a recorded link that points elsewhere, never removing what it points to', async () => {
    const { project, outside } = await hostileClone('leaf-link');
    await mkdir(join(project, '.claude/skills'), { recursive: true });
    await symlink('../../../outside/guarded', join(project, '.claude/skills/guarded'));
    const before = await snapshotTree(outside);
    const r = await run(['install'], project);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(join(project, '.claude/skills/guarded'))).toBe('../../.agents/skills/guarded');
    expect(await snapshotTree(outside)).toEqual(before);
  });
});
