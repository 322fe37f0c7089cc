import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, loadSkills, type SessionEvent } from '../src/index.ts';
import { chatReply, chatStream, type ModelReply, startModelServer } from './helpers/model-server.ts';
import { collect, lockfileGranting, makeProject, skillMd } from './helpers/project.ts';

async function project() {
  const cwd = await makeProject({
    '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Fill PDF forms.', 'Always use pdftk.\n'),
    '.agents/skills/pdf/references/forms.md': '# Forms\n',
    '.agents/skills/pdf/scripts/fill.sh':
      'echo "filled $1 in $(pwd)"; echo "secret=${SECRET_TOKEN:-none} declared=${PDF_TOKEN:-none}" >&2\n',
    'skills-lock.json': lockfileGranting({ pdf: { env: ['PDF_TOKEN'] } }),
    '.agents/skills/lint/SKILL.md': skillMd('lint', 'Lint code.'),
  });
  await chmod(join(cwd, '.agents/skills/pdf/scripts/fill.sh'), 0o755);
  return { cwd, skills: await loadSkills({ cwd }) };
}

const activate = { id: 'call_1', name: 'activate_skill', arguments: { name: 'pdf' } };

describe.each([
  ['plain', chatReply, false],
  ['streamed', chatStream, true],
] as const)('a Chat Completions session (%s)', (_label, reply, stream) => {
  it('offers the skill tools with the enum of skill names, and sends the body back in the wire shape', async () => {
    const { cwd, skills } = await project();
    const srv = await startModelServer([
      reply({ content: 'Let me look.', calls: [activate] }),
      reply({ content: 'Done: used pdftk.' }),
    ]);
    try {
      const session = createSession({ client: srv.client, model: 'test-model', skills, cwd, stream });
      const events = await collect(session.run('Fill the form'));
      const [first, second] = srv.requests;
      expect(first!.url).toBe('/v1/chat/completions');
      expect(first!.body.model).toBe('test-model');
      expect(first!.body.stream ?? false).toBe(stream);
      expect(first!.body.tools!.map((t) => t.function.name)).toEqual(['activate_skill', 'read_skill_file']);
      expect(first!.body.tools![0]).toEqual({
        type: 'function',
        function: {
          name: 'activate_skill',
          description: expect.any(String),
          parameters: {
            type: 'object',
            properties: { name: { type: 'string', enum: ['lint', 'pdf'], description: expect.any(String) } },
            required: ['name'],
            additionalProperties: false,
          },
          strict: true,
        },
      });
      expect(first!.body.messages!.map((m) => m.role)).toEqual(['system', 'user']);
      expect(first!.body.messages![0]!.content).toMatch(/^- pdf: Fill PDF forms\.$/m);
      expect(first!.body.messages![1]).toEqual({ role: 'user', content: 'Fill the form' });

      const [, , assistant, tool] = second!.body.messages!;
      expect(assistant).toMatchObject({
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'activate_skill', arguments: '{"name":"pdf"}' },
          },
        ],
      });
      if (!stream) expect(assistant).toHaveProperty('refusal', null); // sent back as returned
      expect(tool).toEqual({ role: 'tool', tool_call_id: 'call_1', content: expect.any(String) });
      expect(tool!.content).toMatch(/^<skill_content name="pdf">\nAlways use pdftk\.\n<\/skill_content>/);
      expect(tool!.content).toMatch(/references\/forms\.md\nscripts\/fill\.sh\n<\/skill_files>/);

      const kinds = events.filter((e) => e.type !== 'text');
      expect(kinds).toEqual([
        { type: 'tool_call', name: 'activate_skill', arguments: '{"name":"pdf"}' },
        { type: 'skill_activated', name: 'pdf' },
        { type: 'tool_result', name: 'activate_skill', ok: true, summary: 'activated pdf (3 files)' },
        {
          type: 'done',
          text: 'Done: used pdftk.',
          reason: 'answer',
          ...(stream ? {} : { usage: { inputTokens: 20, outputTokens: 10 } }),
        },
      ]);
      const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
      expect(text).toBe('Let me look.Done: used pdftk.');
      if (stream) expect(events.filter((e) => e.type === 'text').length).toBe(4);
    } finally {
      await srv.close();
    }
  });

  it('does not repeat a body on a second activation, and keeps history across runs', async () => {
    const { cwd, skills } = await project();
    const srv = await startModelServer([
      reply({ calls: [activate] }),
      reply({ content: 'first' }),
      reply({ calls: [{ ...activate, id: 'call_2' }] }),
      reply({ content: 'second' }),
    ]);
    try {
      const session = createSession({ client: srv.client, model: 'm', skills, cwd, stream });
      await collect(session.run('one'));
      const events = await collect(session.run('two'));
      expect(events).toContainEqual({
        type: 'tool_result',
        name: 'activate_skill',
        ok: true,
        summary: 'pdf already active',
      });
      expect(events.some((e) => e.type === 'skill_activated')).toBe(false);
      const last = srv.requests[3]!.body.messages!;
      expect(last.map((m) => m.role)).toEqual([
        'system',
        'user',
        'assistant',
        'tool',
        'assistant',
        'user',
        'assistant',
        'tool',
      ]);
      expect(last[7]!.content).toMatch(/already active/);
    } finally {
      await srv.close();
    }
  });
});

describe('scripts in a Chat Completions session', () => {
  const runs = async (permissions: { scripts?: 'allow' | 'deny' }, replies: ModelReply[]) => {
    const { cwd, skills } = await project();
    const srv = await startModelServer(replies);
    try {
      const env = { PATH: process.env.PATH, HOME: cwd, SECRET_TOKEN: 'hunter2', PDF_TOKEN: 'p1' };
      const session = createSession({ client: srv.client, model: 'm', skills, cwd, permissions, env });
      const events: SessionEvent[] = await collect(session.run('fill'));
      return { cwd, events, requests: srv.requests };
    } finally {
      await srv.close();
    }
  };

  it('offers no run_skill_script when scripts are denied, and refuses a call to it', async () => {
    const call = {
      id: 'c1',
      name: 'run_skill_script',
      arguments: { skill: 'pdf', script: 'fill.sh', args: [] },
    };
    const { events, requests } = await runs({ scripts: 'deny' }, [
      chatReply({ calls: [call] }),
      chatReply({ content: 'ok' }),
    ]);
    expect(requests[0]!.body.tools!.map((t) => t.function.name)).not.toContain('run_skill_script');
    expect(requests[0]!.body.messages![0]!.content).toMatch(/Running skill scripts is not allowed/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_result', ok: false }));
    expect(requests[1]!.body.messages!.at(-1)!.content).toMatch(
      /^error: there is no tool "run_skill_script"/,
    );
  });

  it('runs a script of the skill when allowed: no shell, in the project, without undeclared secrets', async () => {
    const call = {
      id: 'c1',
      name: 'run_skill_script',
      arguments: { skill: 'pdf', script: 'scripts/fill.sh', args: ['form; rm -rf /'] },
    };
    const outside = {
      id: 'c2',
      name: 'run_skill_script',
      arguments: { skill: 'pdf', script: '../SKILL.md', args: [] },
    };
    const { cwd, events, requests } = await runs({ scripts: 'allow' }, [
      chatReply({ calls: [activate, call, outside] }),
      chatReply({ content: 'ok' }),
    ]);
    const tool = requests[0]!.body.tools!.find((t) => t.function.name === 'run_skill_script');
    expect(tool!.function.parameters.required).toEqual(['skill', 'script', 'args']);
    const [, , , , out, refused] = requests[1]!.body.messages!;
    expect(out!.tool_call_id).toBe('c1');
    expect(out!.content).toContain(`exit 0\n--- stdout\nfilled form; rm -rf / in ${cwd}`);
    expect(out!.content).toContain('secret=none declared=p1');
    expect(refused).toMatchObject({ tool_call_id: 'c2', content: expect.stringMatching(/^error: .*leaves/) });
    expect(events).toContainEqual({
      type: 'tool_result',
      name: 'run_skill_script',
      ok: true,
      summary: 'pdf/scripts/fill.sh: exit 0',
    });
  });
});

describe('a session that does not stop', () => {
  it('ends after maxTurns with a warning', async () => {
    const { cwd, skills } = await project();
    const loop = chatReply({
      calls: [{ id: 'c', name: 'read_skill_file', arguments: { skill: 'pdf', path: 'references/forms.md' } }],
    });
    const srv = await startModelServer([loop, loop, loop]);
    try {
      const session = createSession({ client: srv.client, model: 'm', skills, cwd, maxTurns: 2 });
      const events = await collect(session.run('go'));
      expect(srv.requests).toHaveLength(2);
      expect(events.at(-2)).toEqual({
        type: 'warning',
        message: 'stopped after 2 model requests without an answer',
      });
      expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'max_turns' });
      expect(srv.requests[1]!.body.messages!.at(-1)!.content).toBe('# Forms\n');
    } finally {
      await srv.close();
    }
  });

  it('throws the server error from the iteration', async () => {
    const { cwd, skills } = await project();
    const srv = await startModelServer([{ json: { error: { message: 'model not found' } }, status: 404 }]);
    try {
      const session = createSession({ client: srv.client, model: 'm', skills, cwd });
      await expect(collect(session.run('go'))).rejects.toThrow(/model not found/);
    } finally {
      await srv.close();
    }
  });
});
