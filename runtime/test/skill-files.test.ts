import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSkillFiles, MAX_READ_BYTES, readSkillFile } from '../src/index.ts';
import { makeProject, skillMd } from './helpers/project.ts';

async function skillWithEscapes() {
  const cwd = await makeProject({
    '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Fill PDFs.'),
    '.agents/skills/pdf/references/forms.md': '# Forms\n',
    '.agents/skills/pdf/assets/logo.bin': '\0\0binary',
    '.agents/skills/other/SKILL.md': skillMd('other', 'Other.'),
    'secret.env': 'TOKEN=hunter2',
  });
  const dir = join(cwd, '.agents/skills/pdf');
  await symlink(join(cwd, 'secret.env'), join(dir, 'references/leak.md'));
  await symlink(cwd, join(dir, 'project'));
  await symlink(join(dir, 'references/forms.md'), join(dir, 'alias.md'));
  return { cwd, dir };
}

describe('read_skill_file confinement', () => {
  it('reads a file of the skill, and a symlink that stays inside', async () => {
    const { dir } = await skillWithEscapes();
    expect(await readSkillFile(dir, 'references/forms.md')).toBe('# Forms\n');
    expect(await readSkillFile(dir, 'alias.md')).toBe('# Forms\n');
  });

  it('refuses "..", absolute paths and symlinks that escape', async () => {
    const { cwd, dir } = await skillWithEscapes();
    await expect(readSkillFile(dir, '../other/SKILL.md')).rejects.toThrow(/leaves the skill folder/);
    await expect(readSkillFile(dir, 'references/../../other/SKILL.md')).rejects.toThrow(/leaves/);
    await expect(readSkillFile(dir, join(cwd, 'secret.env'))).rejects.toThrow(/absolute/);
    await expect(readSkillFile(dir, '/etc/passwd')).rejects.toThrow(/absolute/);
    await expect(readSkillFile(dir, 'references/leak.md')).rejects.toThrow(/outside the skill folder/);
    await expect(readSkillFile(dir, 'project/secret.env')).rejects.toThrow(/outside the skill folder/);
    await expect(readSkillFile(dir, 'references\\..\\..\\x')).rejects.toThrow(/not a plain relative path/);
  });

  it('refuses binary files and files over the size cap, and says when a file is missing', async () => {
    const { dir } = await skillWithEscapes();
    await expect(readSkillFile(dir, 'assets/logo.bin')).rejects.toThrow(/binary/);
    await writeFile(join(dir, 'big.md'), 'x'.repeat(MAX_READ_BYTES + 1));
    await expect(readSkillFile(dir, 'big.md')).rejects.toThrow(/at most/);
    await expect(readSkillFile(dir, 'nope.md')).rejects.toThrow(/does not exist/);
  });

  it('lists the files of a skill, without symlinks or hidden entries', async () => {
    const { dir } = await skillWithEscapes();
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git/config'), 'x');
    await mkdir(join(dir, 'scripts'));
    await writeFile(join(dir, 'scripts/run.sh'), 'echo hi\n');
    await chmod(join(dir, 'scripts/run.sh'), 0o755);
    expect(await listSkillFiles(dir)).toEqual([
      'SKILL.md',
      'assets/logo.bin',
      'references/forms.md',
      'scripts/run.sh',
    ]);
  });
});
