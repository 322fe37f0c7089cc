import { lstat, mkdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENTS, parseAgentList, syncAgentLinks } from '../src/lib/install/agents.ts';
import { makeTempDir, writeTree } from './helpers/fs.ts';

describe('agent links', () => {
  let project: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: project, cleanup } = await makeTempDir('skills-agents-'));
    await writeTree(project, {
      '.agents/skills/deploy/SKILL.md': 'deploy\n',
      '.agents/skills/lint/SKILL.md': 'lint\n',
      '.claude/skills/mine/SKILL.md': 'my own claude skill\n',
    });
  });
  afterEach(async () => cleanup());
  const none = { agents: [], skills: [] };

  it('knows where each agent reads project skills', () => {
    expect(AGENTS.claude?.skillsDir).toBe('.claude/skills');
    expect(AGENTS.codex?.skillsDir).toBe('.codex/skills');
    expect(AGENTS.copilot?.skillsDir).toBe('.github/skills');
    expect(parseAgentList(['claude,cursor', 'claude'])).toEqual(['claude', 'cursor']);
    expect(parseAgentList(['claude-code,github-copilot'])).toEqual(['claude', 'copilot']);
    expect(() => parseAgentList(['vim'])).toThrow(/unknown agent/);
  });

  it('links each skill once per agent folder with a relative symlink', async () => {
    const result = await syncAgentLinks({
      projectDir: project,
      agents: ['claude', 'codex', 'cursor'],
      skills: ['deploy', 'lint'],
      previous: none,
    });
    expect(result.linked.map((l) => `${l.agent}/${l.skill}/${l.mode}`).sort()).toEqual([
      'claude/deploy/symlink',
      'claude/lint/symlink',
      'codex/deploy/symlink',
      'codex/lint/symlink',
      'cursor/deploy/symlink',
      'cursor/lint/symlink',
    ]);
    expect(await readlink(join(project, '.claude/skills/deploy'))).toBe('../../.agents/skills/deploy');
    expect(await readFile(join(project, '.cursor/skills/lint/SKILL.md'), 'utf8')).toBe('lint\n');
    expect(await readFile(join(project, '.claude/skills/mine/SKILL.md'), 'utf8')).toBe(
      'my own claude skill\n',
    );
  });

  it('leaves alone what it did not make, and removes links of skills and agents no longer wanted', async () => {
    await mkdir(join(project, '.claude/skills/lint'), { recursive: true });
    const first = await syncAgentLinks({
      projectDir: project,
      agents: ['claude'],
      skills: ['deploy', 'lint'],
      previous: none,
    });
    expect(first.warnings).toEqual(['left .claude/skills/lint alone: it was not made by skills']);
    const previous = { agents: ['claude', 'cursor'], skills: ['deploy', 'lint'] };
    await syncAgentLinks({
      projectDir: project,
      agents: ['cursor'],
      skills: ['deploy', 'lint'],
      previous: none,
    });
    await syncAgentLinks({ projectDir: project, agents: ['claude'], skills: ['lint'], previous });
    await expect(lstat(join(project, '.claude/skills/deploy'))).rejects.toThrow();
    await expect(lstat(join(project, '.cursor/skills/deploy'))).rejects.toThrow();
    expect((await lstat(join(project, '.claude/skills/mine'))).isDirectory()).toBe(true);
  });

  it('copies where symlinks fail', async () => {
    const denied = async () => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    };
    const result = await syncAgentLinks({
      projectDir: project,
      agents: ['windsurf'],
      skills: ['deploy'],
      previous: none,
      symlink: denied,
    });
    expect(result.linked[0]?.mode).toBe('copy');
    expect(await readFile(join(project, '.windsurf/skills/deploy/SKILL.md'), 'utf8')).toBe('deploy\n');
  });

  it('skips an agent folder that is itself a link to .agents/skills', async () => {
    await mkdir(join(project, '.gemini'));
    await symlink('../.agents/skills', join(project, '.gemini/skills'));
    const previous = { agents: ['gemini'], skills: ['deploy'] };
    const result = await syncAgentLinks({ projectDir: project, agents: ['gemini'], skills: [], previous });
    expect(result.linked).toEqual([]);
    expect(await readFile(join(project, '.agents/skills/deploy/SKILL.md'), 'utf8')).toBe('deploy\n');
  });
});
