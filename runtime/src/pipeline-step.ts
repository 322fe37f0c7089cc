import type { Pipeline, PipelineStep } from '@skills/schemas';
import { finishStepTool, type StepReport } from './finish-step-tool.ts';
import type { StepResult } from './pipeline-plan.ts';
import type { RetryPolicy } from './retry.ts';
import type { ScriptSandbox } from './sandbox.ts';
import { createSession } from './session.ts';
import type { ModelClient } from './transport.ts';
import type { LoadedSkill, ModelApi, SessionEvent, TranscriptEntry, Usage } from './types.ts';

/** A step's default time limit, model requests and tools together. */
export const DEFAULT_STEP_TIMEOUT_MS = 15 * 60 * 1000;

/** What one attempt of a step needs. */
export interface StepRunContext {
  client: ModelClient;
  model: string;
  api?: ModelApi;
  cwd: string;
  pipeline: Pipeline;
  step: PipelineStep;
  prompt: string;
  skills: readonly LoadedSkill[];
  env: Readonly<Record<string, string | undefined>>;
  stream?: boolean;
  maxTurns?: number;
  retry?: RetryPolicy;
  /** Overrides the step's `timeout` (tests). */
  timeoutMs?: number;
  sandbox?: ScriptSandbox;
  onEvent: (event: SessionEvent) => void;
  record: (entry: TranscriptEntry) => void;
}

/**
 * Runs one attempt of a step as a fresh session: its skill active, the pipeline's permissions
 * merged with the step's, only its own skill's scripts allowed, and a time limit (the step's
 * `timeout`, default 15 minutes) after which it fails. The step reports through finish_step, or
 * its last answer becomes its summary. A model server failure fails the step, never throws.
 */
export async function runStepAttempt(ctx: StepRunContext): Promise<StepResult & { usage?: Usage }> {
  const { pipeline, step } = ctx;
  let report: StepReport | undefined;
  const limit = ctx.timeoutMs ?? (step.timeout ? step.timeout * 1000 : DEFAULT_STEP_TIMEOUT_MS);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`the step took longer than ${limit / 1000}s`)), limit);
  let usage: Usage | undefined;
  let final: Extract<SessionEvent, { type: 'done' }> | undefined;
  try {
    const session = createSession({
      client: ctx.client,
      model: ctx.model,
      skills: ctx.skills,
      cwd: ctx.cwd,
      permissions: { ...pipeline.permissions, ...step.permissions },
      instructions: stepInstructions(pipeline, step),
      activeSkills: [step.skill],
      scriptSkills: [step.skill],
      tools: [finishStepTool(step, (r) => (report = r))],
      env: ctx.env,
      record: ctx.record,
      ...(ctx.api ? { api: ctx.api } : {}),
      ...(ctx.stream ? { stream: true } : {}),
      ...(ctx.maxTurns ? { maxTurns: ctx.maxTurns } : {}),
      ...(ctx.retry ? { retry: ctx.retry } : {}),
      ...(ctx.sandbox ? { sandbox: ctx.sandbox } : {}),
    });
    for await (const event of session.run(ctx.prompt, { signal: abort.signal })) {
      ctx.onEvent(event);
      if (event.type === 'done') {
        final = event;
        usage = event.usage;
      }
    }
  } catch (err) {
    const why = abort.signal.aborted
      ? `timed out: ${(abort.signal.reason as Error).message}`
      : `the model server failed: ${(err as Error).message}`;
    return { status: 'failed', summary: why, outputs: {} };
  } finally {
    clearTimeout(timer);
  }
  const r: StepReport = report ?? {
    summary: final?.text.trim() ?? '',
    status: final?.reason === 'max_turns' ? 'failed' : 'success',
    outputs: {},
  };
  const absent = Object.keys(step.outputs ?? {}).filter((name) => !(name in r.outputs));
  const summary = r.summary || (r.status === 'failed' ? 'failed without a summary' : 'no summary');
  const withUsage = usage ? { usage } : {};
  if (absent.length && r.status === 'success') {
    return {
      status: 'failed',
      summary: `${summary}\n(outputs not reported: ${absent.join(', ')})`,
      outputs: r.outputs,
      ...withUsage,
    };
  }
  return { status: r.status, summary, outputs: r.outputs, ...withUsage };
}

/** The text a reviewer's rejection adds to the step's prompt when it runs again. */
export function rejectionNote(
  previous: { summary: string; outputs: Record<string, string> },
  comment: string,
): string {
  const outputs = Object.entries(previous.outputs).map(([k, v]) => `- ${k}: ${v}`);
  return [
    '',
    'A reviewer rejected the result of your previous attempt at this step.',
    `Your summary then: ${previous.summary}`,
    ...(outputs.length ? ['Your outputs then:', ...outputs] : []),
    `The reviewer's comment: ${comment}`,
    'Do the step again, taking the comment into account, and call finish_step when done.',
  ].join('\n');
}

function stepInstructions(pipeline: Pipeline, step: PipelineStep): string {
  const outputs = Object.entries(step.outputs ?? {}).map(
    ([name, o]) => `- ${name}${o.description ? `: ${o.description}` : ''}`,
  );
  return [
    `You are running step "${step.id}" of the pipeline "${pipeline.name}". The skill "${step.skill}" is`,
    'already active: follow its instructions below. When the step is done, or cannot be done, call',
    'finish_step once with a short summary of what you did, its status and its outputs. Later steps',
    'see only that summary, the status and the outputs.',
    ...(outputs.length ? ['', 'Outputs to report:', ...outputs] : []),
  ].join('\n');
}
