import { describe, expect, it } from 'vitest';
import { createSession, loadSkills } from '../src/index.ts';
import { responseOutput, responsesReply, responsesStream, startModelServer } from './helpers/model-server.ts';
import { collect, makeProject, skillMd } from './helpers/project.ts';

describe.each([
  ['plain', responsesReply, false],
  ['streamed', responsesStream, true],
] as const)('a Responses session (%s)', (_label, reply, stream) => {
  it('sends instructions and flat tools, replays output items verbatim, then function_call_output', async () => {
    const cwd = await makeProject({
      '.agents/skills/pdf/SKILL.md': skillMd('pdf', 'Fill PDF forms.', 'Always use pdftk.\n'),
    });
    const skills = await loadSkills({ cwd });
    const call = { id: 'call_9', name: 'activate_skill', arguments: { name: 'pdf' } };
    const srv = await startModelServer([
      reply({ text: 'Activating.', calls: [call] }),
      reply({ text: 'All filled.' }),
    ]);
    try {
      const session = createSession({
        client: srv.client,
        model: 'test-model',
        skills,
        cwd,
        api: 'responses',
        stream,
        instructions: 'Be brief.',
      });
      const events = await collect(session.run('Fill it'));
      const [first, second] = srv.requests;
      expect(first!.url).toBe('/v1/responses');
      expect(first!.body.instructions).toMatch(/^Be brief\.\n\n# Skills\n/);
      expect(first!.body.instructions).toMatch(/^- pdf: Fill PDF forms\.$/m);
      expect(first!.body.input).toEqual([{ role: 'user', content: 'Fill it' }]);
      expect(first!.body).not.toHaveProperty('previous_response_id');
      expect(first!.body.tools![0]).toEqual({
        type: 'function',
        name: 'activate_skill',
        description: expect.any(String),
        parameters: expect.objectContaining({
          properties: { name: { type: 'string', enum: ['pdf'], description: expect.any(String) } },
        }),
        strict: true,
      });

      const input = second!.body.input!;
      expect(input.slice(0, 4)).toEqual([
        { role: 'user', content: 'Fill it' },
        ...responseOutput({ text: 'Activating.', calls: [call] }),
      ]);
      expect(input[4]).toEqual({
        type: 'function_call_output',
        call_id: 'call_9',
        output: expect.any(String),
      });
      expect(input[4]!.output).toMatch(/^<skill_content name="pdf">\nAlways use pdftk\.\n<\/skill_content>$/);
      expect(input).toHaveLength(5);

      expect(events.at(-1)).toEqual({
        type: 'done',
        text: 'All filled.',
        reason: 'answer',
        usage: { inputTokens: 14, outputTokens: 6 },
      });
      expect(events).toContainEqual({ type: 'skill_activated', name: 'pdf' });
      const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
      expect(text).toBe('Activating.All filled.');
    } finally {
      await srv.close();
    }
  });
});

describe('a streamed Responses session', () => {
  it('throws when the server reports response.failed', async () => {
    const cwd = await makeProject();
    const srv = await startModelServer([
      {
        sse: [
          { type: 'response.failed', response: { id: 'r', output: [], error: { message: 'overloaded' } } },
        ],
      },
    ]);
    try {
      const session = createSession({
        client: srv.client,
        model: 'm',
        skills: [],
        cwd,
        api: 'responses',
        stream: true,
      });
      await expect(collect(session.run('hi'))).rejects.toThrow(/overloaded/);
      expect(srv.requests[0]!.body).not.toHaveProperty('tools');
    } finally {
      await srv.close();
    }
  });
});
