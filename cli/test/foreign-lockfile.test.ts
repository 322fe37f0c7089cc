import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SkillsError } from '../src/lib/errors.ts';
import { parseLockfile } from '../src/lib/project/lockfile.ts';
import { makeTempDir, snapshotTree, writeTree } from './helpers/fs.ts';
import { runMain } from './helpers/run-main.ts';
import { envelope, startScriptedServer } from './helpers/scripted-server.ts';

/**
 * The `skills` CLI of vercel-labs writes its own skills-lock.json (`{"version": 1, "skills": {…}}`)
 * under our lockfile's name: every command that reads or writes the lockfile stops with
 * FOREIGN_LOCKFILE, and the project is left byte for byte as it was.
 */
const VERCEL_LOCK = `${JSON.stringify(
  {
    version: 1,
    skills: {
      'find-skills': {
        source: 'vercel-labs/skills',
        sourceType: 'github',
        computedHash: 'a'.repeat(64),
      },
    },
  },
  null,
  2,
)}\n`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('a skills-lock.json written by the vercel-labs skills CLI', () => {
  it('is recognised, not reported as a broken lockfile', () => {
    const err = (() => {
      try {
        parseLockfile(VERCEL_LOCK);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SkillsError);
    expect((err as SkillsError).code).toBe('FOREIGN_LOCKFILE');
    expect(() => parseLockfile('{"version": 1}')).toThrow(/another installer/);
    expect(() => parseLockfile('{"lockfileVersion": 1, "skills": {}}')).toThrow(/not a valid lockfile/);
  });

  for (const withManifest of [false, true]) {
    it(`stops every lockfile command before writing anything${withManifest ? ' (beside a skills.json)' : ''}`, async () => {
      const srv = await startScriptedServer(() => ({ status: 404, body: envelope('NOT_FOUND', 'nothing') }));
      const { dir, cleanup } = await makeTempDir('skills-foreign-lock-');
      cleanups.push(srv.close, cleanup);
      await writeTree(dir, {
        'skills-lock.json': VERCEL_LOCK,
        '.agents/skills/find-skills/SKILL.md': '---\nname: find-skills\ndescription: Finds skills.\n---\n',
        ...(withManifest ? { 'skills.json': '{"dependencies": {"find-skills": "^1.0.0"}}\n' } : {}),
      });
      await mkdir(join(dir, '.claude/skills'), { recursive: true });
      await symlink('../../.agents/skills/find-skills', join(dir, '.claude/skills/find-skills'));
      const before = await snapshotTree(dir);
      const commands = [
        ['install'],
        ['install', 'find-skills', '--agent', 'claude'],
        ['ci'],
        ['update'],
        ['uninstall', 'find-skills'],
        ['list'],
        ['outdated'],
        ['verify'],
      ];
      for (const args of commands) {
        const r = await runMain([...args, '--json'], { cwd: dir, env: { SKILLS_REGISTRY: srv.url } });
        const what = `${args.join(' ')}: ${r.stderr}`;
        expect(r.code, what).toBe(1);
        expect(JSON.parse(r.stdout).error.code, what).toBe('FOREIGN_LOCKFILE');
        expect(r.stderr, what).toMatch(
          /^ERR_SKILLS_FOREIGN_LOCKFILE: skills-lock.json was written by another installer/,
        );
        expect(await snapshotTree(dir), what).toEqual(before);
      }
    });
  }
});
