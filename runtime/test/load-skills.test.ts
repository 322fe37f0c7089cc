import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSkills, loadSkills, readSkillBody } from '../src/index.ts';
import { makeProject, skillMd } from './helpers/project.ts';

describe('loadSkills', () => {
  it('finds the skills in .agents/skills, leniently, and reads the body only when asked', async () => {
    const cwd = await makeProject({
      '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Fill PDF forms.', 'Use pdftk.\n'),
      '.agents/skills/lint/SKILL.md': `---\nname: linter\ndescription: Lint code.\nallowed-tools: Bash Read\ncontext: fork\n---\nbody`,
      '.agents/skills/lint/skill.json': JSON.stringify({
        name: 'lint',
        version: '1.0.0',
        capabilities: { env: ['LINT_TOKEN'] },
      }),
      '.agents/skills/nodesc/SKILL.md': '---\nname: nodesc\n---\nbody',
      '.agents/skills/badyaml/SKILL.md': '---\nname: [oops\ndescription: x\n---\n',
      '.agents/skills/not-a-skill/README.md': 'hello',
    });
    const { skills, skipped } = await findSkills({ cwd });
    expect(skills.map((s) => s.name)).toEqual(['linter', 'pdf']);
    const linter = skills[0]!;
    expect(linter.dir).toBe(join(cwd, '.agents/skills/lint'));
    expect(linter.allowedTools).toEqual(['Bash', 'Read']);
    expect(linter).not.toHaveProperty('capabilities'); // a skill.json in a skill folder grants nothing
    expect(linter.diagnostics.join('\n')).toMatch(/name "linter" differs from its folder "lint"/);
    expect(linter.diagnostics.join('\n')).toMatch(/"context" is not a key/);
    expect(skills[1]!.diagnostics).toEqual([]);
    expect(skipped.map((s) => s.dir.split('/').pop())).toEqual(['badyaml', 'nodesc']);
    expect(skipped[1]!.reason).toMatch(/no description/);
    expect(await readSkillBody(skills[1]!)).toBe('Use pdftk.');
  });

  it('reads allowed-tools written as a YAML list, as the CLI accepts it', async () => {
    const cwd = await makeProject({
      '.agents/skills/listed/SKILL.md':
        '---\nname: listed\ndescription: Listed tools.\nallowed-tools:\n  - Read\n  - " Bash(git status:*) "\n  - ""\n  - 3\n---\nbody',
      '.agents/skills/flow/SKILL.md':
        '---\nname: flow\ndescription: Flow list.\nallowed-tools: [Grep, Glob]\n---\nbody',
    });
    const skills = await loadSkills({ cwd });
    expect(Object.fromEntries(skills.map((s) => [s.name, s.allowedTools]))).toEqual({
      flow: ['Grep', 'Glob'],
      listed: ['Read', 'Bash(git status:*)'],
    });
  });

  it('grants the capabilities skills-lock.json records, only to the project folders it lists', async () => {
    const lock = {
      lockfileVersion: 1,
      bundles: {
        tools: {
          version: '1.0.0',
          resolved: 'http://r/t.tgz',
          integrity: `sha512-${'A'.repeat(86)}==`,
          skills: ['lint', 'shared'],
          capabilities: { env: ['LINT_TOKEN'], network: ['api.example.com'] },
        },
        other: {
          version: '1.0.0',
          resolved: 'http://r/o.tgz',
          integrity: `sha512-${'B'.repeat(86)}==`,
          skills: ['shared'],
          capabilities: { env: ['OTHER_TOKEN'] },
        },
      },
    };
    const home = await makeProject({ '.agents/skills/notes/SKILL.md': skillMd('notes', 'Home notes.') });
    const cwd = await makeProject({
      'skills-lock.json': JSON.stringify(lock),
      '.agents/skills/lint/SKILL.md': skillMd('lint', 'Lint code.'),
      '.agents/skills/shared/SKILL.md': skillMd('shared', 'Claimed by two bundles.'),
      '.agents/skills/mine/SKILL.md': skillMd('mine', 'My own.'),
    });
    const skills = await loadSkills({ cwd, home });
    const by = Object.fromEntries(skills.map((s) => [s.name, s]));
    expect(by.lint).toMatchObject({
      bundle: 'tools',
      capabilities: { env: ['LINT_TOKEN'], network: ['api.example.com'] },
    });
    expect(by.shared).not.toHaveProperty('capabilities');
    expect(by.mine).not.toHaveProperty('capabilities');
    expect(by.notes).not.toHaveProperty('capabilities');

    const broken = await makeProject({
      'skills-lock.json': '{"lockfileVersion":1,"bundles":{"tools":{"capabilities":{"env":["X"]}}}}',
      '.agents/skills/lint/SKILL.md': skillMd('lint', 'Lint code.'),
    });
    const [lint] = await loadSkills({ cwd: broken });
    expect(lint).not.toHaveProperty('capabilities');
    expect(lint!.diagnostics).toEqual([
      'skills-lock.json is not a valid lockfile; no skill is granted capabilities',
    ]);
  });

  it('deduplicates by name: the project wins over the home folder', async () => {
    const home = await makeProject({
      '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Home pdf.'),
      '.agents/skills/notes/SKILL.md': skillMd('notes', 'Home notes.'),
    });
    const cwd = await makeProject({ '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Project pdf.') });
    const skills = await loadSkills({ cwd, home });
    expect(skills.map((s) => [s.name, s.description])).toEqual([
      ['pdf', 'Project pdf.'],
      ['notes', 'Home notes.'],
    ]);
  });

  it('is empty, not an error, without .agents/skills', async () => {
    expect(await loadSkills({ cwd: await makeProject() })).toEqual([]);
  });
});
