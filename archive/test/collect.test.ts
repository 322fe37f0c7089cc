import { execFileSync } from 'node:child_process';
import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveError, collectFiles, compileIgnore, isIgnored } from '../src/index.ts';
import { treeDir } from './helpers/fs-tree.ts';

describe('collectFiles', () => {
  it('leaves out VCS folders, dependencies, OS litter, .env files, swap files and root tarballs', async () => {
    const dir = await treeDir({
      'SKILL.md': 'x',
      'scripts/run.sh': '#!/bin/sh\n',
      '.git/config': 'x',
      '.hg/x': 'x',
      '.svn/x': 'x',
      'node_modules/a/index.js': 'x',
      'scripts/node_modules/b.js': 'x',
      '.DS_Store': 'x',
      'assets/Thumbs.db': 'x',
      'desktop.ini': 'x',
      '.env': 'SECRET=1',
      '.env.local': 'SECRET=1',
      'docs/.env.production': 'SECRET=1',
      'docs/.a.md.swp': 'x',
      'docs/b.md~': 'x',
      'old-1.0.0.tgz': 'x',
      'assets/kept.tgz': 'x',
      '.environment.md': 'kept',
    });
    const files = await collectFiles(dir);
    expect(files.map((f) => [f.path, f.executable])).toEqual([
      ['.environment.md', false],
      ['SKILL.md', false],
      ['assets/kept.tgz', false],
      ['scripts/run.sh', true],
    ]);
  });

  it('honours .skillsignore (gitignore syntax) and leaves the file itself out', async () => {
    const dir = await treeDir({
      'SKILL.md': 'x',
      '.skillsignore': '# drafts\ndrafts/\n*.log\n!keep.log\n/build\n**/tmp/**\n',
      'drafts/a.md': 'x',
      'docs/drafts/b.md': 'x',
      'a.log': 'x',
      'sub/keep.log': 'x',
      'build/x.js': 'x',
      'src/build/y.js': 'y',
      'a/tmp/b/c.md': 'x',
    });
    expect((await collectFiles(dir)).map((f) => f.path)).toEqual([
      'SKILL.md',
      'src/build/y.js',
      'sub/keep.log',
    ]);
  });

  it('sets executable from any x bit', async () => {
    const dir = await treeDir({ 'a.sh': 'echo', 'b.sh': 'echo' });
    await chmod(join(dir, 'a.sh'), 0o744);
    await chmod(join(dir, 'b.sh'), 0o640);
    expect((await collectFiles(dir)).map((f) => f.executable)).toEqual([true, false]);
  });

  it('refuses a symlink, inside or outside, and never follows it', async () => {
    const dir = await treeDir({ 'SKILL.md': 'x' });
    await symlink('/etc/passwd', join(dir, 'passwd'));
    const e = await collectFiles(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ArchiveError);
    expect(e).toMatchObject({ code: 'LINK_ENTRY', entry: 'passwd' });
    const inner = await treeDir({ 'SKILL.md': 'x', 'docs/a.md': 'a' });
    await symlink('docs', join(inner, 'linked'));
    await expect(collectFiles(inner)).rejects.toMatchObject({ code: 'LINK_ENTRY', entry: 'linked' });
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO', async () => {
    const dir = await treeDir({ 'SKILL.md': 'x' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    await expect(collectFiles(dir)).rejects.toMatchObject({ code: 'SPECIAL_ENTRY', entry: 'pipe' });
  });

  it('refuses names that do not travel: case collisions and Windows-reserved characters', async () => {
    await expect(collectFiles(await treeDir({ 'A.md': 'x', 'a.md': 'y' }))).rejects.toMatchObject({
      code: 'NAME_COLLISION',
    });
    await expect(collectFiles(await treeDir({ 'a\\b.md': 'x' }))).rejects.toMatchObject({
      code: 'BACKSLASH_PATH',
    });
    await expect(collectFiles(await treeDir({ 'what?.md': 'x' }))).rejects.toMatchObject({
      code: 'INVALID_PATH',
    });
  });

  it('normalises names to NFC', async () => {
    const files = await collectFiles(await treeDir({ 'cafe\u0301.md': 'x' }));
    expect(files[0]!.path).toBe('caf\u00e9.md');
  });
});

describe('ignore rules', () => {
  it('isIgnored', () => {
    expect(isIgnored('.git')).toBe(true);
    expect(isIgnored('a/.env.local')).toBe(true);
    expect(isIgnored('x.tgz')).toBe(true);
    expect(isIgnored('a/x.tgz')).toBe(false);
    expect(isIgnored('environment.md')).toBe(false);
  });
  it('compileIgnore: last match wins, folders only with a trailing slash', () => {
    const m = compileIgnore('*.md\n!README.md\nout/\n');
    expect(m('a/b.md', false)).toBe(true);
    expect(m('README.md', false)).toBe(false);
    expect(m('out', true)).toBe(true);
    expect(m('out', false)).toBe(false);
  });
  it('compileIgnore follows git: character classes, escapes, anchors and ** in the middle', () => {
    const m = compileIgnore('[ab].txt\n\\#notes\ndocs/*.md\na/**/z\n\\!bang\n');
    expect(m('a.txt', false)).toBe(true);
    expect(m('c.txt', false)).toBe(false);
    expect(m('#notes', false)).toBe(true);
    expect(m('docs/x.md', false)).toBe(true);
    expect(m('docs/deep/x.md', false)).toBe(false);
    expect(m('src/docs/x.md', false)).toBe(false);
    expect(m('a/z', false)).toBe(true);
    expect(m('a/b/c/z', false)).toBe(true);
    expect(m('!bang', false)).toBe(true);
  });
});
