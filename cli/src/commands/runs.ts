import {
  listRuns,
  type RunRecord,
  RuntimeError,
  readRun,
  readTranscript,
  type TranscriptEntry,
} from '@skills/runtime';
import type { Command } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { findProjectRoot } from '../lib/project/project.ts';

/** Characters of a message or tool output shown per transcript line; `--json` has everything. */
const SHOWN = 600;

/**
 * `skills runs` lists the project's pipeline runs, newest first; `skills runs show RUN` prints
 * one run (its steps, attempts, reviews and history), `skills runs show RUN STEP` a step's
 * transcript (requests, responses, tool calls and results, in order). `--json`: `{ runs: [...] }`,
 * `{ run }` or `{ run, step, transcript }`.
 */
export const command: Command = {
  usage: 'runs [show RUN [STEP]]',
  summary: 'list pipeline runs, or show one with its transcripts',
  async run(ctx) {
    const projectDir = await findProjectRoot(ctx.cwd);
    const [verb, id, step, ...extra] = ctx.args;
    if (verb === undefined) {
      const runs = await listRuns(projectDir);
      return { text: renderList(runs), json: { runs: runs.map(summaryOf) } };
    }
    if (verb !== 'show' || !id || extra.length) throw usageError('usage: skills runs [show RUN [STEP]]');
    const run = await readRun(projectDir, id).catch(coded);
    if (step === undefined) return { text: renderRun(run), json: { run } };
    if (!run.steps[step]) {
      throw new SkillsError('NOT_FOUND', `run ${id} has no step "${step}"`, {
        hint: `its steps: ${Object.keys(run.steps).join(', ')}`,
      });
    }
    const transcript = await readTranscript(projectDir, id, step);
    return { text: renderTranscript(run, step, transcript), json: { run, step, transcript } };
  },
};

function coded(err: unknown): never {
  if (err instanceof RuntimeError)
    throw new SkillsError(err.code, err.message, err.hint ? { hint: err.hint } : {});
  throw err;
}

function summaryOf(r: RunRecord) {
  return {
    id: r.id,
    pipeline: r.pipeline.name,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    model: r.model,
    api: r.api,
    steps: Object.fromEntries(Object.entries(r.steps).map(([id, s]) => [id, s.status])),
  };
}

function renderList(runs: RunRecord[]): string {
  if (runs.length === 0) return 'no runs yet (`skills run PIPELINE` records them in .agents/runs/)';
  return runs
    .map((r) => {
      const steps = Object.values(r.steps);
      const ok = steps.filter((s) => s.status === 'success').length;
      return `${r.id}  ${r.status.padEnd(7)}  ${r.pipeline.name}  ${ok}/${steps.length} steps  ${r.startedAt}`;
    })
    .join('\n');
}

function renderRun(r: RunRecord): string {
  const lines = [
    `run ${r.id}: ${r.pipeline.name} ${r.status}`,
    `pipeline: ${r.pipeline.file ?? '(given as data)'}${r.pipeline.source ? ` (${r.pipeline.source})` : ''}`,
    `model: ${r.model} over ${r.api === 'chat' ? 'Chat Completions' : 'Responses'}${r.baseURL ? ` at ${r.baseURL}` : ''}`,
    `started ${r.startedAt}${r.endedAt ? `, ended ${r.endedAt}` : ''}`,
  ];
  const inputs = Object.entries(r.inputs);
  if (inputs.length) lines.push('inputs:', ...inputs.map(([k, v]) => `  ${k} = ${v}`));
  lines.push('', 'steps:');
  for (const [id, s] of Object.entries(r.steps)) {
    const usage = s.usage ? ` (${s.usage.inputTokens} in, ${s.usage.outputTokens} out tokens)` : '';
    lines.push(`  ${id}: ${s.status}${usage}`);
    for (const a of s.attempts) {
      const review = a.review ? `, ${a.review}` : '';
      lines.push(
        `    attempt ${a.attempt}: ${a.status}${review}${a.comment ? ` (comment: ${a.comment})` : ''}`,
      );
      if (a.summary) lines.push(indent(a.summary, 6));
      for (const [k, v] of Object.entries(a.outputs)) lines.push(`      ${k} = ${v}`);
    }
    if (s.attempts.length === 0 && s.summary) lines.push(indent(s.summary, 4));
  }
  lines.push(
    '',
    'history:',
    ...r.history.map(
      (h) => `  ${h.at} ${h.event}${h.step ? ` ${h.step}` : ''}${h.comment ? `: ${h.comment}` : ''}`,
    ),
  );
  lines.push('', `transcripts: skills runs show ${r.id} STEP`);
  return lines.join('\n');
}

function renderTranscript(
  r: RunRecord,
  step: string,
  entries: (TranscriptEntry & { at: string; attempt: number })[],
): string {
  const lines = [`run ${r.id}, step ${step}: ${entries.length} entries`];
  let attempt = 0;
  for (const e of entries) {
    if (e.attempt !== attempt) {
      attempt = e.attempt;
      lines.push('', `attempt ${attempt}`);
    }
    lines.push(`  ${e.at.slice(11, 19)} ${describe(e)}`);
  }
  return lines.join('\n');
}

/** One transcript entry as a line or two for people. */
function describe(e: TranscriptEntry): string {
  switch (e.type) {
    case 'request':
      return `request: ${clip(lastInput(e.body))}`;
    case 'response':
      return `response: ${clip(responseText(e.body))}`;
    case 'tool_call':
      return `tool call ${e.name} ${clip(e.arguments)}`;
    case 'tool_result':
      return `tool result ${e.name} ${e.ok ? 'ok' : 'failed'}:\n${indent(clip(e.output), 4)}`;
    case 'retry':
      return `retry ${e.retry} in ${e.delayMs / 1000}s: ${e.error}`;
    case 'error':
      return `error${e.status ? ` ${e.status}` : ''}: ${e.message}`;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: wire bodies of either API, read loosely for display.
type Loose = any;

/** The newest message of a request: the user's prompt, or the last tool result. */
function lastInput(body: Loose): string {
  const list: Loose[] = body?.messages ?? body?.input ?? [];
  const last = list.at(-1);
  if (!last) return '(empty)';
  const content = last.content ?? last.output ?? '';
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return `${list.length} ${body?.messages ? 'messages' : 'items'}, last ${last.role ?? last.type}: ${text}`;
}

function responseText(body: Loose): string {
  const message = body?.choices?.[0]?.message;
  if (message) {
    const calls = (message.tool_calls ?? []).map(
      (c: Loose) => `${c.function?.name}(${c.function?.arguments})`,
    );
    return [message.content, ...calls].filter(Boolean).join(' ') || '(nothing)';
  }
  if (body?.streamed && 'text' in body) {
    const calls = (body.calls ?? []).map((c: Loose) => `${c.name}(${c.arguments})`);
    return [body.text, ...calls].filter(Boolean).join(' ') || '(nothing)';
  }
  const parts = (body?.output ?? []).flatMap((item: Loose) => {
    if (item.type === 'message') return (item.content ?? []).map((p: Loose) => p.text ?? '');
    if (item.type === 'function_call') return [`${item.name}(${item.arguments})`];
    return [];
  });
  return parts.filter(Boolean).join(' ') || '(nothing)';
}

function clip(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}… (${text.length - SHOWN} more characters)` : text;
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}
