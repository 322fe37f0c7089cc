import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readArchive } from '@skills/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, snapshotTree, writeTree } from './helpers/fs.ts';
import { startTestRegistry, type TestRegistry } from './helpers/registry.ts';
import { runMain } from './helpers/run-main.ts';

/**
 * Skills as authors have them today, rebuilt from made-up skills of the same shapes: a bare
 * SKILL.md folder (no skill.json, no metadata.version), a folder of such skills, allowed-tools
 * written as a YAML list, and a skill named unlike its folder. One registry on port 0 for the file.
 */
let reg: TestRegistry;
let root: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  reg = await startTestRegistry();
  ({ dir: root, cleanup } = await makeTempDir('skills-existing-'));
  const { token } = await reg.createUser('alice');
  env = { SKILLS_REGISTRY: reg.url, SKILLS_TOKEN: token };
}, 60_000);
afterAll(async () => {
  await reg?.close();
  await cleanup?.();
});

const cli = (args: string[], cwd = root) => runMain(args, { cwd, env });
async function json<T = Record<string, unknown>>(args: string[], cwd = root): Promise<T> {
  const r = await cli([...args, '--json'], cwd);
  expect(r.code, `skills ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}
async function fresh(name: string, tree: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await writeTree(dir, tree);
  return dir;
}

/** A SKILL.md as real bare skills write it: list-valued allowed-tools, CRLF-free, no version. */
const BARE_SKILL = [
  '---',
  'name: pdf-tools',
  'description: Fills and merges PDF forms. Use when the user hands over a PDF.',
  'allowed-tools:',
  '  - Read',
  '  - Bash(python:*)',
  '---',
  '',
  '# PDF tools',
  '',
  'Run scripts/fill.py with the form and the values.',
  '',
].join('\n');

describe('a bare SKILL.md folder', () => {
  it('publishes unchanged with --version and installs byte-identical', async () => {
    const dir = await fresh('pdf-tools', { 'SKILL.md': BARE_SKILL, 'scripts/fill.py': 'print(1)\n' });
    const before = await snapshotTree(dir);

    const refused = await cli(['publish', 'pdf-tools']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERR_SKILLS_INVALID_BUNDLE: .*no skill\.json/);
    expect(refused.stderr).toContain('pass --version X');

    const dry = await cli(['publish', 'pdf-tools', '--version', '1.0.0', '--dry-run']);
    expect(dry.stdout).toMatch(/skill\.json {2}\(generated: not in the folder\)/);
    const pub = await json<{ name: string; version: string; generated: string[]; integrity: string }>([
      'publish',
      'pdf-tools',
      '--version',
      '1.0.0',
    ]);
    expect(pub).toMatchObject({ name: 'pdf-tools', version: '1.0.0', generated: ['skill.json'] });
    expect(await snapshotTree(dir)).toEqual(before);

    // The registry derived name, version and the normalised allowed-tools from the archive.
    const doc = (await (await fetch(`${reg.url}/v1/bundles/pdf-tools/1.0.0`)).json()) as {
      integrity: string;
      description: string;
      skills: { name: string; allowedTools?: string }[];
    };
    expect(doc.integrity).toBe(pub.integrity);
    expect(doc.description).toBe('Fills and merges PDF forms. Use when the user hands over a PDF.');
    expect(doc.skills).toEqual([
      expect.objectContaining({ name: 'pdf-tools', allowedTools: 'Read Bash(python:*)' }),
    ]);
    const tgz = Buffer.from(
      await (await fetch(`${reg.url}/v1/bundles/pdf-tools/-/pdf-tools-1.0.0.tgz`)).arrayBuffer(),
    );
    const packed = (await readArchive(tgz)).files.map((f) => f.path).sort();
    expect(packed).toEqual(['SKILL.md', 'scripts/fill.py', 'skill.json']);

    const project = await fresh('app', {});
    await json(['install', 'pdf-tools'], project);
    const installed = join(project, '.agents/skills/pdf-tools');
    expect(await readFile(join(installed, 'SKILL.md'), 'utf8')).toBe(BARE_SKILL);
    expect(await readFile(join(installed, 'scripts/fill.py'), 'utf8')).toBe('print(1)\n');
  });

  it('refuses a --version that contradicts the bundle, and one that is not semver', async () => {
    await fresh('versioned', {
      'SKILL.md': '---\nname: versioned\ndescription: d\nmetadata:\n  version: 2.0.0\n---\nBody\n',
    });
    const r = await cli(['publish', 'versioned', '--version', '1.0.0', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ERR_SKILLS_USAGE: .*versioned@2\.0\.0; --version 1\.0\.0 does not match/);
    const bad = await cli(['publish', 'pdf-tools', '--version', 'one', '--dry-run']);
    expect(bad.stderr).toMatch(/^ERR_SKILLS_USAGE: --version "one" is not a semantic version/);
  });
});

describe('init on existing skills', () => {
  it('adds skill.json to a single skill from its frontmatter, overwriting nothing, no default license', async () => {
    const dir = await fresh('one/pdf-tools', { 'SKILL.md': BARE_SKILL });
    const noVersion = await cli(['init', 'one/pdf-tools']);
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toMatch(/^ERR_SKILLS_USAGE: .*no version/);
    expect(Object.keys(await snapshotTree(dir))).toEqual(['SKILL.md']);

    await json(['init', 'one/pdf-tools', '--version', '0.3.0']);
    expect(JSON.parse(await readFile(join(dir, 'skill.json'), 'utf8'))).toEqual({
      name: 'pdf-tools',
      version: '0.3.0',
      description: 'Fills and merges PDF forms. Use when the user hands over a PDF.',
    });
    expect(await readFile(join(dir, 'SKILL.md'), 'utf8')).toBe(BARE_SKILL);
    const v = await json<{ ok: boolean; name: string; version: string }>(['validate', 'one/pdf-tools']);
    expect(v).toMatchObject({ ok: true, name: 'pdf-tools', version: '0.3.0' });

    const again = await cli(['init', 'one/pdf-tools', '--version', '9.0.0']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^ERR_SKILLS_ALREADY_EXISTS: .*skill\.json/);
    expect(JSON.parse(await readFile(join(dir, 'skill.json'), 'utf8')).version).toBe('0.3.0');
  });

  it('writes one skill.json for skills/NAME/SKILL.md, with --license', async () => {
    const dir = await fresh('kit', {
      'skills/alpha/SKILL.md': '---\nname: alpha\ndescription: A.\n---\nBody\n',
      'skills/beta/SKILL.md': '---\nname: beta\ndescription: B.\n---\nBody\n',
    });
    const out = await json<{ layout: string }>([
      'init',
      'kit',
      '--version',
      '1.0.0',
      '--license',
      'Apache-2.0',
      '--description',
      'Two skills.',
    ]);
    expect(out.layout).toBe('multi');
    expect(JSON.parse(await readFile(join(dir, 'skill.json'), 'utf8'))).toEqual({
      name: 'kit',
      version: '1.0.0',
      description: 'Two skills.',
      license: 'Apache-2.0',
    });
    expect(await json(['validate', 'kit', '--strict'])).toMatchObject({ ok: true, problems: [] });
  });

  it('writes a skill.json in each sibling skill folder, keeping one that exists', async () => {
    const mine = '{"name":"gamma","version":"3.0.0"}\n';
    const dir = await fresh('siblings', {
      'alpha/SKILL.md': '---\nname: alpha\ndescription: A.\nlicense: MIT\n---\nBody\n',
      'beta/SKILL.md': '---\nname: beta\ndescription: B.\n---\nBody\n',
      'gamma/SKILL.md': '---\nname: gamma\ndescription: G.\n---\nBody\n',
      'gamma/skill.json': mine,
    });
    const out = await json<{ layout: string; kept: string[] }>(['init', 'siblings', '--version', '1.0.0']);
    expect(out.layout).toBe('siblings');
    expect(out.kept).toEqual([join(dir, 'gamma/skill.json')]);
    expect(JSON.parse(await readFile(join(dir, 'alpha/skill.json'), 'utf8'))).toMatchObject({
      name: 'alpha',
      license: 'MIT',
    });
    expect(JSON.parse(await readFile(join(dir, 'beta/skill.json'), 'utf8'))).not.toHaveProperty('license');
    expect(await readFile(join(dir, 'gamma/skill.json'), 'utf8')).toBe(mine);
    for (const s of ['alpha', 'beta']) expect((await json(['validate', `siblings/${s}`])).ok).toBe(true);
  });

  it('writes nothing when one sibling would not be a valid bundle', async () => {
    const dir = await fresh('broken-siblings', {
      'alpha/SKILL.md': '---\nname: alpha\ndescription: A.\n---\nBody\n',
      'beta/SKILL.md': '---\nname: beta\n---\nno description\n',
    });
    const r = await cli(['init', 'broken-siblings', '--version', '1.0.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERR_SKILLS_INVALID_BUNDLE: .*beta/);
    const left = Object.keys(await snapshotTree(dir));
    expect(left.filter((p) => p.endsWith('skill.json'))).toEqual([]);
  });
});

describe('what hosts accept', () => {
  it('allowed-tools as a list: a warning, an error with --strict', async () => {
    await fresh('lists/pdf-tools', { 'SKILL.md': BARE_SKILL });
    const lax = await json<{ ok: boolean; problems: { code: string; severity: string }[] }>([
      'validate',
      'lists/pdf-tools',
    ]);
    expect(lax.ok).toBe(true);
    expect(lax.problems).toContainEqual(
      expect.objectContaining({ code: 'ALLOWED_TOOLS_LIST', severity: 'warning' }),
    );
    const strict = await cli(['validate', 'lists/pdf-tools', '--strict', '--json']);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).problems).toContainEqual(
      expect.objectContaining({ code: 'ALLOWED_TOOLS_LIST', severity: 'error' }),
    );
  });

  it('a skill named unlike its folder: the same warning alone and inside a bundle', async () => {
    const skill = '---\nname: deployer\ndescription: Deploys.\n---\nBody\n';
    await fresh('names/deploy', { 'SKILL.md': skill });
    await fresh('names/kit', {
      'skill.json': '{"name":"kit","version":"1.0.0","description":"Kit."}',
      'skills/deploy/SKILL.md': skill,
    });
    type Found = { ok: boolean; problems: { code: string; severity: string; message: string }[] };
    const alone = await json<Found>(['validate', 'names/deploy']);
    const bundled = await json<Found>(['validate', 'names/kit']);
    const message =
      '"deployer" differs from its folder "deploy" (Agent Skills specification: name must equal the skill\'s folder name); it will be installed as .agents/skills/deployer/';
    for (const found of [alone, bundled]) {
      expect(found.ok).toBe(true);
      expect(found.problems).toContainEqual({
        path: expect.stringMatching(/SKILL\.md: frontmatter\.name$/),
        code: 'NAME_MISMATCH',
        severity: 'warning',
        message,
      });
    }
    for (const dir of ['names/deploy', 'names/kit']) {
      expect((await cli(['validate', dir, '--strict'])).code).toBe(1);
    }
  });
});
