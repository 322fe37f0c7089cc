import { describe, expect, it } from 'vitest';
import { buildCatalog, createSession, loadSkills } from '../src/index.ts';
import { chatReply, startModelServer } from './helpers/model-server.ts';
import { collect, makeProject, skillMd } from './helpers/project.ts';

const skill = (name: string, description: string) => ({ name, description });

describe('the catalog', () => {
  it('lists each skill on one line within the budget', () => {
    const c = buildCatalog([skill('pdf', 'Fill PDF\n  forms.'), skill('lint', 'Lint code.')]);
    expect(c.text).toBe('- pdf: Fill PDF forms.\n- lint: Lint code.');
    expect(c).toMatchObject({ listed: ['pdf', 'lint'], trimmed: [], dropped: [] });
  });

  it('trims descriptions first, all to one length, never below 40 characters', () => {
    const long = 'x'.repeat(500);
    const skills = Array.from({ length: 10 }, (_, i) => skill(`s${i}`, long));
    const c = buildCatalog(skills, 2000);
    expect(c.text.length).toBeLessThanOrEqual(2000);
    expect(c.dropped).toEqual([]);
    expect(c.trimmed).toHaveLength(10);
    const lines = c.text.split('\n');
    expect(lines).toHaveLength(10);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^- s0: x+…$/);
    expect(lines[0]!.length).toBeGreaterThan(150);
  });

  it('drops skills from the end when even short descriptions do not fit', () => {
    const skills = Array.from({ length: 10 }, (_, i) => skill(`s${i}`, 'y'.repeat(100)));
    const c = buildCatalog(skills, 200);
    expect(c.text.length).toBeLessThanOrEqual(200);
    expect(c.listed).toEqual(['s0', 's1', 's2', 's3']);
    expect(c.dropped).toEqual(['s4', 's5', 's6', 's7', 's8', 's9']);
  });

  it('reaches the model in the system message, and a dropped skill is a warning event', async () => {
    const cwd = await makeProject({
      '.agents/skills/alpha/SKILL.md': skillMd('alpha', 'A'.repeat(100)),
      '.agents/skills/beta/SKILL.md': skillMd('beta', 'B'.repeat(100)),
    });
    const srv = await startModelServer([chatReply({ content: 'ok' })]);
    try {
      const skills = await loadSkills({ cwd });
      const session = createSession({ client: srv.client, model: 'm', skills, cwd, catalogBudget: 60 });
      const events = await collect(session.run('hi'));
      expect(events[0]).toEqual({ type: 'warning', message: expect.stringMatching(/left out: beta$/) });
      const system = srv.requests[0]!.body.messages![0]!;
      expect(system.role).toBe('system');
      expect(system.content).toMatch(/^- alpha: A+…$/m);
      expect(system.content).not.toMatch(/- beta:/);
    } finally {
      await srv.close();
    }
  });

  it("keeps the step's own skills whole when the catalog must shrink", () => {
    const skills = [
      skill('mine', 'm'.repeat(300)),
      ...Array.from({ length: 10 }, (_, i) => skill(`s${i}`, 'y'.repeat(100))),
    ];
    const c = buildCatalog(skills, 800, ['mine']);
    expect(c.text.split('\n')[0]).toBe(`- mine: ${'m'.repeat(300)}`);
    expect(c.listed[0]).toBe('mine');
    expect(c.trimmed).not.toContain('mine');
    expect(c.dropped.length + c.trimmed.length).toBeGreaterThan(0);
    expect(c.text.length).toBeLessThanOrEqual(800);
  });

  it('leaves skills with disable-model-invocation out of the catalog and activate_skill, unless active', async () => {
    const cwd = await makeProject({
      '.agents/skills/deploy/SKILL.md':
        '---\nname: deploy\ndescription: Deploys to production.\ndisable-model-invocation: true\n---\nShip it.\n',
      '.agents/skills/lint/SKILL.md': skillMd('lint', 'Lint code.'),
    });
    const skills = await loadSkills({ cwd });
    expect(skills.find((s) => s.name === 'deploy')?.disableModelInvocation).toBe(true);
    const srv = await startModelServer([chatReply({ content: 'a' }), chatReply({ content: 'b' })]);
    try {
      await collect(createSession({ client: srv.client, model: 'm', skills, cwd }).run('go'));
      const plain = srv.requests[0]!.body;
      expect(plain.messages![0]!.content).not.toContain('deploy');
      expect(plain.tools![0]!.function.parameters.properties.name.enum).toEqual(['lint']);
      await collect(
        createSession({ client: srv.client, model: 'm', skills, cwd, activeSkills: ['deploy'] }).run('go'),
      );
      const active = srv.requests[1]!.body;
      expect(active.messages![0]!.content).toContain('- deploy: Deploys to production.');
      expect(active.messages![0]!.content).toContain('Ship it.');
    } finally {
      await srv.close();
    }
  });
});
