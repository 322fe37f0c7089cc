import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readRun, readTranscript, resumePipeline, runPipeline } from '../src/index.ts';
import { chatReply, type ModelRequest, responsesReply, startModelServer } from './helpers/model-server.ts';
import { makeProject, skillMd } from './helpers/project.ts';

const SECRET = 'sk-live-secret-key-0001';
const TOKEN = 'ghp_host_token_0002';

async function project() {
  return makeProject({
    '.agents/skills/writer/SKILL.md': skillMd('writer', 'Writes text.', 'Write plainly.\n'),
  });
}

/** The step a request belongs to, from the system text (Chat) or instructions (Responses). */
function stepOf(req: ModelRequest): string {
  const system = (req.body.instructions as string) ?? (req.body.messages?.[0]?.content as string);
  return /running step "([a-z]+)"/.exec(system)?.[1] ?? '?';
}
const userText = (req: ModelRequest): string =>
  (req.body.messages?.find((m) => m.role === 'user')?.content ??
    req.body.input?.find((m) => m.role === 'user')?.content) as string;

const finished = (summary: string, status = 'success') =>
  chatReply({
    calls: [{ id: `f-${summary}`, name: 'finish_step', arguments: { summary, status, outputs: {} } }],
  });

describe('parallel steps', () => {
  it('runs independent steps at once (the first request is held until the second arrives); a failure skips only its dependents', async () => {
    const cwd = await project();
    let release!: () => void;
    const both = new Promise<void>((r) => {
      release = r;
    });
    const srv = await startModelServer(async (req, index) => {
      if (index === 1) release();
      if (index === 0) await both; // a sequential runner would never send a second request
      const step = stepOf(req);
      return finished(`${step} done`, step === 'a' ? 'failed' : 'success');
    });
    try {
      const pipeline = {
        name: 'par',
        steps: [
          { id: 'a', skill: 'writer' },
          { id: 'b', skill: 'writer' },
          { id: 'c', skill: 'writer', needs: ['b'] },
          { id: 'd', skill: 'writer', needs: ['a'] },
        ],
      };
      const result = await runPipeline({ pipeline, client: srv.client, model: 'm', cwd, concurrency: 2 });
      expect(srv.requests.slice(0, 2).map(stepOf).sort()).toEqual(['a', 'b']);
      expect(srv.requests.map(stepOf).slice(2)).toEqual(['c']);
      expect(Object.fromEntries(Object.entries(result.steps).map(([k, v]) => [k, v.status]))).toEqual({
        a: 'failed',
        b: 'success',
        c: 'success',
        d: 'skipped',
      });
      expect(result.steps.d!.summary).toBe('skipped: needs a (failed)');
    } finally {
      await srv.close();
    }
  }, 30_000);
});

describe('model errors and time limits', () => {
  it('retries 429 and 5xx with backoff (Retry-After honoured), recording each retry', async () => {
    const cwd = await project();
    const srv = await startModelServer([
      { json: { error: { message: 'slow down' } }, status: 429, headers: { 'retry-after': '3' } },
      { json: { error: { message: 'overloaded' } }, status: 503 },
      finished('done'),
    ]);
    const waits: number[] = [];
    try {
      const result = await runPipeline({
        pipeline: { name: 'r', steps: [{ id: 'a', skill: 'writer' }] },
        client: srv.client,
        model: 'm',
        cwd,
        retry: { sleep: async (ms) => void waits.push(ms) },
      });
      expect(result.steps.a!.status).toBe('success');
      expect(waits).toEqual([3000, 2000]);
      expect(srv.requests).toHaveLength(3);
      const retries = (await readTranscript(cwd, result.id, 'a')).filter((e) => e.type === 'retry');
      expect(retries).toMatchObject([
        { retry: 1, delayMs: 3000, error: expect.stringMatching(/429/) },
        { retry: 2, delayMs: 2000, error: expect.stringMatching(/503/) },
      ]);
    } finally {
      await srv.close();
    }
  });

  it('gives up after the retries, and fails a step that takes longer than its limit', async () => {
    const cwd = await project();
    const srv = await startModelServer((req) =>
      stepOf(req) === 'slow' ? 'hang' : { json: { error: { message: 'down' } }, status: 500 },
    );
    const waits: number[] = [];
    try {
      const result = await runPipeline({
        pipeline: {
          name: 't',
          steps: [
            { id: 'slow', skill: 'writer', timeout: 1 },
            { id: 'down', skill: 'writer' },
            { id: 'after', skill: 'writer', needs: ['slow'] },
          ],
        },
        client: srv.client,
        model: 'm',
        cwd,
        retry: { retries: 2, sleep: async (ms) => void waits.push(ms) },
      });
      expect(result.steps.slow).toMatchObject({
        status: 'failed',
        summary: 'timed out: the step took longer than 1s',
      });
      expect(result.steps.down).toMatchObject({
        status: 'failed',
        summary: expect.stringMatching(/^the model server failed: 500/),
      });
      expect(result.steps.after!.status).toBe('skipped');
      expect(waits).toEqual([1000, 2000]);
      expect(srv.requests.filter((r) => stepOf(r) === 'down')).toHaveLength(3);
    } finally {
      await srv.close();
    }
  }, 30_000);
});

describe.each([
  ['chat', chatReply],
  ['responses', responsesReply],
] as const)('review checkpoints and transcripts (%s)', (api, reply) => {
  const finish = (summary: string) =>
    api === 'chat'
      ? finished(summary)
      : responsesReply({
          calls: [{ id: 'f', name: 'finish_step', arguments: { summary, status: 'success', outputs: {} } }],
        });

  it('stops after a review step, re-runs it with the comment on reject, finishes on approve; appends, redacts', async () => {
    const cwd = await project();
    const leaky =
      api === 'chat'
        ? reply({ content: `I saw ${SECRET}` } as never)
        : reply({ text: `I saw ${SECRET}` } as never);
    const srv = await startModelServer((req, index) => {
      if (index === 0) return leaky;
      return finish(`${stepOf(req)} v${index}`);
    });
    const pipeline = {
      name: 'doc',
      steps: [
        { id: 'draft', skill: 'writer', review: true, prompt: 'Draft it.' },
        { id: 'edit', skill: 'writer', needs: ['draft'], prompt: 'Edit: ${{ steps.draft.summary }}' },
        { id: 'ship', skill: 'writer', needs: ['edit'] },
      ],
    };
    const base = { client: srv.client, cwd, env: { GITHUB_TOKEN: TOKEN }, secrets: [SECRET] };
    try {
      const first = await runPipeline({
        ...base,
        pipeline,
        model: 'm',
        api,
        baseURL: 'https://u:pw@host.test/v1?key=k',
      });
      expect(first).toMatchObject({ status: 'review', review: 'draft' });
      expect(first.steps).toMatchObject({ draft: { status: 'review' }, edit: { status: 'pending' } });
      expect(srv.requests).toHaveLength(1);
      const before = await readFile(join(first.dir, 'draft.jsonl'), 'utf8');

      await expect(resumePipeline({ ...base, runId: first.id })).resolves.toMatchObject({ status: 'review' });
      expect(srv.requests).toHaveLength(1); // no decision, no terminal: stops again, sends nothing

      const again = await resumePipeline({
        ...base,
        runId: first.id,
        decision: { decision: 'reject', comment: 'Shorter, please.' },
      });
      expect(again).toMatchObject({
        status: 'review',
        review: 'draft',
        steps: { draft: { summary: 'draft v1' } },
      });
      expect(userText(srv.requests[1]!)).toMatch(
        /^Draft it\.\n\nA reviewer rejected the result of your previous attempt/,
      );
      expect(userText(srv.requests[1]!)).toContain("The reviewer's comment: Shorter, please.");

      const done = await resumePipeline({
        ...base,
        runId: first.id,
        onReview: async () => ({ decision: 'approve' }),
      });
      expect(done.status).toBe('success');
      expect(srv.requests.map(stepOf)).toEqual(['draft', 'draft', 'edit', 'ship']);
      expect(userText(srv.requests[2]!)).toBe('Edit: draft v1');

      const after = await readFile(join(first.dir, 'draft.jsonl'), 'utf8');
      expect(after.startsWith(before)).toBe(true);
      const draft = await readTranscript(cwd, first.id, 'draft');
      expect(draft.map((e) => `${e.attempt} ${e.type}`)).toEqual([
        '1 request',
        '1 response',
        '2 request',
        '2 response',
        '2 tool_call',
        '2 tool_result',
      ]);
      const record = await readRun(cwd, first.id);
      expect(record).toMatchObject({
        status: 'success',
        model: 'm',
        api,
        baseURL: 'https://host.test/v1',
        pipeline: { name: 'doc' },
        steps: {
          draft: {
            status: 'success',
            attempts: [
              { attempt: 1, review: 'rejected' },
              { attempt: 2, comment: 'Shorter, please.', review: 'approved' },
            ],
          },
        },
      });
      expect(record.history.map((h) => h.event)).toEqual([
        'started',
        'review requested',
        'stopped for review',
        'resumed',
        'stopped for review',
        'resumed',
        'rejected',
        'review requested',
        'stopped for review',
        'resumed',
        'approved',
        'finished',
      ]);
      expect(record.steps.edit!.usage).toEqual(
        api === 'chat' ? { inputTokens: 10, outputTokens: 5 } : { inputTokens: 7, outputTokens: 3 },
      );
      for (const file of await readdir(first.dir)) {
        const text = await readFile(join(first.dir, file), 'utf8');
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain('pw@');
      }
      expect(before).toContain('I saw [redacted]');
      expect((await listRuns(cwd)).map((r) => r.id)).toEqual([first.id]);
      await expect(resumePipeline({ ...base, runId: first.id })).rejects.toMatchObject({
        code: 'RUN_NOT_RESUMABLE',
      });
    } finally {
      await srv.close();
    }
  }, 30_000);
});

describe('an interrupted run', () => {
  it('runs again, as a new attempt, a step the run left running when it was killed', async () => {
    const cwd = await project();
    const srv = await startModelServer((req, i) => finished(`${stepOf(req)} ${i}`));
    try {
      const pipeline = {
        name: 'k',
        steps: [
          { id: 'a', skill: 'writer', review: true },
          { id: 'b', skill: 'writer', needs: ['a'] },
        ],
      };
      const first = await runPipeline({ pipeline, client: srv.client, model: 'm', cwd });
      const file = join(first.dir, 'run.json');
      const record = JSON.parse(await readFile(file, 'utf8'));
      record.status = 'running';
      record.steps.a.status = 'running'; // as a process killed mid-step leaves it
      await writeFile(file, JSON.stringify(record));
      const resumed = await resumePipeline({ runId: first.id, client: srv.client, cwd });
      expect(resumed).toMatchObject({ status: 'review', review: 'a', steps: { a: { summary: 'a 1' } } });
      expect((await readRun(cwd, first.id)).steps.a!.attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(srv.requests.map(stepOf)).toEqual(['a', 'a']);
    } finally {
      await srv.close();
    }
  });
});
