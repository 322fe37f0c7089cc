import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BundleFile, packFiles, readArchive, writeFilesSafely } from '../src/index.ts';
import { tempDir } from './helpers/fs-tree.ts';

const f = (path: string, text = 'x', executable = false): BundleFile => ({
  path,
  data: Buffer.from(text),
  executable,
});

describe('writeFilesSafely', () => {
  it('writes files with modes 0644 and 0755 and folders with 0755, whatever the umask', async () => {
    const dest = join(await tempDir(), 'out');
    const old = process.umask(0o077);
    try {
      await writeFilesSafely([f('SKILL.md', 'hello'), f('scripts/run.sh', '#!/bin/sh\n', true)], dest);
    } finally {
      process.umask(old);
    }
    expect(await readFile(join(dest, 'SKILL.md'), 'utf8')).toBe('hello');
    expect((await stat(join(dest, 'SKILL.md'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(dest, 'scripts/run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dest, 'scripts'))).mode & 0o777).toBe(0o755);
  });

  it('accepts an existing empty folder', async () => {
    const dest = await tempDir();
    await writeFilesSafely([f('a/b/c.md')], dest);
    expect(await readdir(join(dest, 'a/b'))).toEqual(['c.md']);
  });

  it('refuses a folder that is not empty, and writes nothing', async () => {
    const dest = await tempDir();
    await writeFile(join(dest, 'existing'), 'x');
    await expect(writeFilesSafely([f('SKILL.md')], dest)).rejects.toMatchObject({ code: 'DEST_NOT_EMPTY' });
    expect(await readdir(dest)).toEqual(['existing']);
  });

  it('refuses a destination that is a link', async () => {
    const base = await tempDir();
    await mkdir(join(base, 'real'));
    await symlink(join(base, 'real'), join(base, 'link'));
    await expect(writeFilesSafely([f('SKILL.md')], join(base, 'link'))).rejects.toMatchObject({
      code: 'DEST_NOT_EMPTY',
    });
  });

  it.each([
    ['../escape.md', 'PATH_TRAVERSAL'],
    ['/etc/x', 'ABSOLUTE_PATH'],
    ['a\\b', 'BACKSLASH_PATH'],
    ['C:/x', 'ABSOLUTE_PATH'],
    ['a/./b', 'INVALID_PATH'],
  ])('re-checks each path before writing anything: %s', async (path, code) => {
    const base = await tempDir();
    const dest = join(base, 'out');
    await expect(writeFilesSafely([f('ok.md'), f(path)], dest)).rejects.toMatchObject({ code });
    await expect(lstat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(base)).toEqual([]);
  });

  it('refuses colliding names', async () => {
    const dest = join(await tempDir(), 'out');
    await expect(writeFilesSafely([f('A.md'), f('a.md')], dest)).rejects.toMatchObject({
      code: 'NAME_COLLISION',
    });
  });

  it('writes what readArchive returns', async () => {
    const dest = join(await tempDir(), 'out');
    const { files } = await readArchive(packFiles([f('SKILL.md', 'hi'), f('x/y.sh', 'echo', true)]));
    await writeFilesSafely(files, dest);
    expect((await stat(join(dest, 'x/y.sh'))).mode & 0o777).toBe(0o755);
  });
});
