import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDirectory } from '../src/index.ts';
import { manifest, skillMd } from './helpers/bundles.ts';
import { treeDir } from './helpers/fs-tree.ts';

describe('validateDirectory', () => {
  it('accepts a valid single-skill folder', async () => {
    const dir = await treeDir({
      'SKILL.md': skillMd('name: deploy\ndescription: Deploys.'),
      'skill.json': manifest({ name: 'deploy', version: '1.0.0' }),
      'scripts/run.sh': '#!/bin/sh\necho hi\n',
      'node_modules/x/y.js': 'ignored',
    });
    const r = await validateDirectory(dir);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('accepts a lone SKILL.md with metadata.version', async () => {
    const dir = await treeDir({
      'SKILL.md': skillMd('name: lint\ndescription: L.\nmetadata:\n  version: 1.0.0'),
    });
    const r = await validateDirectory(dir);
    expect(r.ok).toBe(true);
    expect(r.manifest).toMatchObject({ name: 'lint', version: '1.0.0' });
  });

  it('lists every link and bad name as a problem, together with the content problems', async () => {
    const dir = await treeDir({
      'SKILL.md': skillMd('name: deploy\ndescription: d\nfoo: bar'),
      'skill.json': manifest({ name: 'deploy', version: '1' }),
      'A.md': 'a',
      'a.md': 'a',
    });
    await symlink('/etc/passwd', join(dir, 'p1'));
    await symlink('SKILL.md', join(dir, 'p2'));
    const r = await validateDirectory(dir, { strict: true });
    expect(r.ok).toBe(false);
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['p1', 'LINK_ENTRY'],
        ['p2', 'LINK_ENTRY'],
        ['a.md', 'NAME_COLLISION'],
        ['skill.json: version', expect.any(String)],
        ['SKILL.md: frontmatter.foo', 'UNKNOWN_KEY'],
      ]),
    );
  });

  it('warns about a script with a #! line that is not executable', async () => {
    const dir = await treeDir({
      'SKILL.md': skillMd('name: deploy\ndescription: d'),
      'skill.json': manifest({ name: 'deploy', version: '1.0.0' }),
      'scripts/run.py': Buffer.from('#!/usr/bin/env python3\n'),
    });
    const r = await validateDirectory(dir);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([expect.objectContaining({ path: 'scripts/run.py', code: 'NOT_EXECUTABLE' })]);
  });

  it('throws when the folder does not exist', async () => {
    await expect(validateDirectory('/nonexistent/skills-archive-test')).rejects.toThrow();
  });
});
