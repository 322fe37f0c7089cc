import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ok, run } from './helpers/clients.ts';
import {
  KIT_1,
  multiSkillBundle,
  type RegistryWorld,
  readTree,
  singleSkillBundle,
  skillTree,
  startRegistryWorld,
} from './helpers/registry-world.ts';

// vercel's `skills` CLI (skills@1.5.18) reads the discovery index: `skills add ORIGIN` the
// registry-wide one, `skills add ORIGIN/bundles/NAME` the bundle's own.
let world: RegistryWorld;
const kit = KIT_1;
const solo = singleSkillBundle('solo', '1.0.0', { 'references/guide.md': '# Guide\n' });

beforeAll(async () => {
  world = await startRegistryWorld();
  await world.publish('kit', kit);
  await world.publish('solo', solo);
  await world.publish('other', multiSkillBundle('other', '1.0.0', { stray: {} }));
});
afterAll(() => world?.close());

/** A fresh project folder (vercel's CLI installs into `./.agents/skills`). */
async function project(name: string): Promise<string> {
  const dir = join(world.dir, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

const add = (source: string, cwd: string, extra: string[] = []) =>
  run('skills', ['add', source, '-y', '--agent', 'codex', ...extra], { env: world.host.env, cwd });

describe('vercel skills (skills@1.5.18) over the discovery index', () => {
  test('`skills add ORIGIN/bundles/NAME` installs exactly that bundle, byte for byte', async () => {
    const cwd = await project('bundle-kit');
    ok(await add(`${world.origin}/bundles/kit`, cwd));
    const installed = await readTree(join(cwd, '.agents/skills'));
    const expected = {
      ...prefixed('lint', skillTree(kit, 'skills/lint')),
      ...prefixed('notes', skillTree(kit, 'skills/notes')),
    };
    expect(installed).toEqual(expected);

    const single = await project('bundle-solo');
    ok(await add(`${world.origin}/bundles/solo`, single));
    expect(await readTree(join(single, '.agents/skills'))).toEqual(prefixed('solo', solo));
  });

  test('`skills add ORIGIN` installs the registry-wide index: every published skill', async () => {
    const cwd = await project('origin');
    const listed = ok(await add(world.origin, cwd, ['--list']));
    for (const name of ['lint', 'notes', 'solo', 'stray']) expect(listed.stdout).toContain(name);
    ok(await add(world.origin, cwd));
    const installed = await readTree(join(cwd, '.agents/skills'));
    expect(Object.keys(installed).filter((p) => p.endsWith('SKILL.md'))).toEqual([
      'lint/SKILL.md',
      'notes/SKILL.md',
      'solo/SKILL.md',
      'stray/SKILL.md',
    ]);
    expect(installed['lint/scripts/run.sh']).toBe(kit['skills/lint/scripts/run.sh']);
  });

  test('a new version reaches it: `skills update` names the re-add, and the re-add installs it', async () => {
    const cwd = await project('update');
    ok(await add(`${world.origin}/bundles/solo`, cwd, ['-g']));
    const globalSkills = join(world.host.home, '.agents/skills');
    expect((await readTree(globalSkills))['solo/SKILL.md']).toBe(solo['SKILL.md']);

    const next = singleSkillBundle('solo', '1.1.0', { 'references/guide.md': '# Guide, revised\n' });
    await world.publish('solo', next);
    const update = ok(await run('skills', ['update', '-g', '-y'], { env: world.host.env, cwd }));
    // It cannot check a well-known skill itself, and says how to update it: re-add the bundle.
    const readd = `skills add ${world.origin}/bundles/solo -g -y`;
    expect(update.stdout).toContain(readd);
    ok(await add(`${world.origin}/bundles/solo`, cwd, ['-g']));
    expect(await readTree(globalSkills)).toEqual(prefixed('solo', next));
  });
});

function prefixed(folder: string, tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([p, t]) => [`${folder}/${p}`, t]));
}
