import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatCompletion } from './helpers/chat-reply.ts';
import { makeTempDir, skillMd, writeTree } from './helpers/fs.ts';
import { runMain } from './helpers/run-main.ts';
import { type RecordedRequest, startScriptedServer } from './helpers/scripted-server.ts';

const SECRET = 'sk-live-secret-key-0001';
const TOKEN = 'ghp_host_token_0002';
const DOC = `name: doc
steps:
  - id: draft
    skill: x
    review: true
    prompt: Draft the release notes.
  - id: edit
    skill: x
    needs: [draft]
    prompt: "Edit this: \${{ steps.draft.summary }}"
  - id: ship
    skill: x
    needs: [edit]
`;

/** A temp project with the skill `x` and the pipeline DOC. */
async function docProject() {
  const made = await makeTempDir('run-review-');
  await writeTree(made.dir, {
    '.agents/skills/x/SKILL.md': skillMd({ name: 'x', description: 'Writes things.' }),
    '.agents/pipelines/doc.yaml': DOC,
  });
  return made;
}

const bodyOf = (r: RecordedRequest) => JSON.parse(r.body.toString('utf8'));
const userOf = (r: RecordedRequest): string => {
  const b = bodyOf(r);
  return (b.messages ?? b.input).find((m: { role?: string }) => m.role === 'user').content;
};

/** A finish_step call (or, for `text`, a plain answer) in the wire shape of `api`. */
function reply(api: 'chat' | 'responses', summary: string, text?: string) {
  const args = JSON.stringify({ summary, status: 'success', outputs: {} });
  if (api === 'chat') {
    const call = { id: 'f1', type: 'function', function: { name: 'finish_step', arguments: args } };
    return chatCompletion(text ? { content: text } : { tool_calls: [call] });
  }

  const output = text
    ? [
        {
          type: 'message',
          id: 'm1',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text, annotations: [] }],
        },
      ]
    : [
        {
          type: 'function_call',
          id: 'fc1',
          call_id: 'f1',
          name: 'finish_step',
          arguments: args,
          status: 'completed',
        },
      ];
  return {
    status: 200,
    body: { id: 'r', status: 'completed', output, usage: { input_tokens: 7, output_tokens: 3 } },
  };
}

describe.each(['chat', 'responses'] as const)('skills run with a review step (%s)', (api) => {
  it('stops for review (exit 3), re-runs on --reject --comment, finishes on --approve; skills runs shows it all', async () => {
    const { dir, cleanup } = await docProject();
    // The first answer leaks the API key into the step's summary: it must not reach any file.
    const srv = await startScriptedServer((req, i) =>
      i === 0
        ? reply(api, '', `Drafted with ${SECRET}`)
        : reply(api, `${/step \\"(\w+)\\"/.exec(req.body.toString())?.[1]} v${i}`),
    );
    const env = {
      OPENAI_API_KEY: SECRET,
      GITHUB_TOKEN: TOKEN,
      OPENAI_BASE_URL: `${srv.url}/v1`,
      SKILLS_MODEL: 'm',
    };
    const cli = (args: string[]) => runMain(args, { cwd: dir, env });
    try {
      const first = await cli(['run', 'doc', '--api', api, '--json']);
      expect(first.code, first.stderr).toBe(3);
      const out = JSON.parse(first.stdout);
      expect(out).toMatchObject({
        status: 'review',
        review: 'draft',
        api,
        steps: { edit: { status: 'pending' } },
      });
      const id: string = out.id;
      expect(out.resume).toEqual({
        approve: `skills run --resume ${id} --approve`,
        reject: `skills run --resume ${id} --reject --comment "…"`,
      });
      expect(first.stderr).toContain('? draft waits for review');

      const rejected = await cli(['run', '--resume', id, '--reject', '--comment', 'Shorter, please.']);
      expect(rejected.code, rejected.stderr).toBe(3);
      expect(rejected.stdout).toContain(`doc: waiting for review of "draft" (run ${id})`);
      expect(rejected.stdout).toContain(`approve:  skills run --resume ${id} --approve`);
      expect(srv.requests).toHaveLength(2);
      expect(userOf(srv.requests[1]!)).toContain("The reviewer's comment: Shorter, please.");
      expect(srv.requests[1]!.url).toBe(api === 'chat' ? '/v1/chat/completions' : '/v1/responses');

      const approved = await cli(['run', '--resume', id, '--approve']);
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toBe(
        `doc: success (run ${id})\n✓ draft: draft v1\n✓ edit: edit v2\n✓ ship: ship v3\n`,
      );
      expect(userOf(srv.requests[2]!)).toBe('Edit this: draft v1');

      const list = JSON.parse((await cli(['runs', '--json'])).stdout);
      expect(list.runs).toEqual([
        expect.objectContaining({
          id,
          pipeline: 'doc',
          status: 'success',
          steps: { draft: 'success', edit: 'success', ship: 'success' },
        }),
      ]);
      const show = await cli(['runs', 'show', id]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain(`run ${id}: doc success`);
      expect(show.stdout).toMatch(/attempt 1: success, rejected\n {6}Drafted with \[redacted\]/);
      expect(show.stdout).toContain('attempt 2: success, approved (comment: Shorter, please.)');
      expect(show.stdout).toMatch(
        /rejected draft: Shorter, please\.\n.*review requested draft\n.*stopped for review draft\n.*resumed\n.*approved draft\n/,
      );
      const transcript = await cli(['runs', 'show', id, 'draft']);
      expect(transcript.stdout).toMatch(
        /attempt 1\n.* request: .*Draft the release notes\.\n.* response: Drafted with \[redacted\]/,
      );
      expect(transcript.stdout).toMatch(/attempt 2\n(.*\n)*.* tool call finish_step/);

      const runDir = join(dir, '.agents/runs', id);
      const files = await readdir(runDir);
      expect(files.sort()).toEqual(['draft.jsonl', 'edit.jsonl', 'run.json', 'ship.jsonl']);
      for (const f of files) {
        const text = await readFile(join(runDir, f), 'utf8');
        expect(text, f).not.toContain(SECRET);
        expect(text, f).not.toContain(TOKEN);
      }
    } finally {
      await srv.close();
      await cleanup();
    }
  }, 60_000);
});

describe('skills run on a terminal', () => {
  it('asks about a review step in place and goes on when approved', async () => {
    const { dir, cleanup } = await docProject();
    const srv = await startScriptedServer((_req, i) => reply('chat', `v${i}`));
    try {
      const r = await runMain(['run', 'doc', '--base-url', `${srv.url}/v1`, '--model', 'm'], {
        cwd: dir,
        tty: true,
        input: 'y\n',
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('review "draft": v0');
      expect(r.stderr).toContain('approve? [y]es / [n]o, with a comment / Enter to stop here: ');
      expect(srv.requests).toHaveLength(3);
      expect(r.stdout).toMatch(/^doc: success/);
    } finally {
      await srv.close();
      await cleanup();
    }
  }, 60_000);
});

describe('skills run --resume: mistakes', () => {
  it('says what is wrong before anything runs', async () => {
    const { dir, cleanup } = await makeTempDir('run-review-');
    try {
      const env = { SKILLS_MODEL: 'm', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
      const cli = (args: string[]) => runMain(args, { cwd: dir, env });
      expect((await cli(['run', 'x', '--approve'])).stderr).toMatch(
        /^ERR_SKILLS_USAGE: --approve, --reject and --comment need --resume RUN/,
      );
      expect((await cli(['run', '--resume', '20260101-000000-x-abcd', '--input', 'a=b'])).stderr).toMatch(
        /^ERR_SKILLS_USAGE: --input goes with a new run/,
      );
      expect((await cli(['run', '--resume', '20260101-000000-x-abcd', '--reject'])).stderr).toMatch(
        /--reject needs --comment/,
      );
      const none = await cli(['run', '--resume', '20260101-000000-x-abcd', '--approve']);
      expect(none).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^ERR_SKILLS_RUN_NOT_FOUND: there is no run/),
      });
      expect((await cli(['runs', 'show', '../../etc'])).stderr).toMatch(
        /^ERR_SKILLS_RUN_NOT_FOUND: "..\/..\/etc" is not a run id/,
      );
      expect((await cli(['runs'])).stdout).toMatch(/^no runs yet/);
    } finally {
      await cleanup();
    }
  });
});
