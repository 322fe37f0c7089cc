import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findProjectRoot,
  readProjectFile,
  withAgents,
  withDependencies,
  writeProjectFile,
} from '../src/lib/project/project.ts';

describe('project manifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skills-project-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the nearest skills.json above cwd, else cwd', async () => {
    await mkdir(join(dir, 'a/b/c'), { recursive: true });
    expect(await findProjectRoot(join(dir, 'a/b/c'))).toBe(join(dir, 'a/b/c'));
    await writeFile(join(dir, 'a/skills.json'), '{}');
    expect(await findProjectRoot(join(dir, 'a/b/c'))).toBe(join(dir, 'a'));
  });

  it('keeps unknown keys, their order and indentation; sorts dependencies', async () => {
    await writeFile(
      join(dir, 'skills.json'),
      '{\n    "x-note": "keep me",\n    "dependencies": { "zeta": "^1.0.0" },\n    "agents": ["claude"]\n}\n',
    );
    const project = (await readProjectFile(dir))!;
    expect(project.manifest.dependencies).toEqual({ zeta: '^1.0.0' });
    const next = withAgents(withDependencies(project, { zeta: '^1.0.0', alpha: 'latest' }), [
      'codex',
      'claude',
    ]);
    await writeProjectFile(dir, next);
    expect(await readFile(join(dir, 'skills.json'), 'utf8')).toBe(
      '{\n    "x-note": "keep me",\n    "dependencies": {\n        "alpha": "latest",\n        "zeta": "^1.0.0"\n    },\n    "agents": [\n        "claude",\n        "codex"\n    ]\n}\n',
    );
  });

  it('refuses a broken skills.json with MANIFEST_INVALID', async () => {
    await writeFile(join(dir, 'skills.json'), '{"dependencies": {"Bad Name": "1"}}');
    await expect(readProjectFile(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    await writeFile(join(dir, 'skills.json'), '[1]');
    await expect(readProjectFile(dir)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });
    expect(await readProjectFile(join(dir, 'missing'))).toBeUndefined();
  });
});
