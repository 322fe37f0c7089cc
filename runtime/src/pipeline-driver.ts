import type { Pipeline, PipelineStep } from '@skills/schemas';
import { orderSteps, type StepResult, substitute } from './pipeline-plan.ts';
import { rejectionNote, runStepAttempt, type StepRunContext } from './pipeline-step.ts';
import type { RunRecord, RunWriter, StepAttempt, StepRecord } from './run-record.ts';
import { addUsage } from './transport.ts';
import type { SessionEvent } from './types.ts';

/** What runPipeline reports while it runs. */
export type PipelineEvent =
  | { type: 'step_started'; step: string; skill: string; prompt: string; attempt: number }
  | { type: 'session'; step: string; event: SessionEvent }
  | { type: 'step_finished'; step: string; result: StepResult }
  | { type: 'step_skipped'; step: string; reason: string }
  | { type: 'step_review'; step: string; result: StepResult }
  | { type: 'warning'; message: string };

/** A person's decision about a step that waits for review. */
export type ReviewDecision = { decision: 'approve' } | { decision: 'reject'; comment: string };

/** Asked when a `review: true` step succeeds; undefined leaves it waiting (the run stops). */
export type ReviewPrompt = (request: {
  runId: string;
  step: string;
  result: StepResult;
}) => Promise<ReviewDecision | undefined>;

/** Everything the driver needs besides the record it advances. */
export interface DriveContext {
  record: RunRecord;
  writer: RunWriter;
  pipeline: Pipeline;
  concurrency: number;
  now: () => Date;
  emit: (event: PipelineEvent) => void;
  onReview?: ReviewPrompt;
  /** The parts of a step attempt that are the same for every step. */
  base: Omit<StepRunContext, 'step' | 'prompt' | 'onEvent' | 'record' | 'pipeline'>;
}

/**
 * Runs every pending step whose needs succeeded, up to `concurrency` at once, until none is
 * left to start: a step whose need failed or was skipped is skipped (and so its dependents), a
 * step waiting for review stops new steps from starting (those running finish). Each change is
 * saved to run.json as it happens. A step's `comment` (a rejection) is given to its next attempt.
 */
export async function drive(ctx: DriveContext, comments: Map<string, string>): Promise<void> {
  const { record } = ctx;
  const order = orderSteps(ctx.pipeline.steps);
  const running = new Map<string, Promise<void>>();
  for (;;) {
    const waiting = Object.values(record.steps).some((s) => s.status === 'review');
    for (const step of order) {
      const rec = record.steps[step.id]!;
      if (rec.status !== 'pending') continue;
      const needs = step.needs ?? [];
      const blocked = needs.filter((n) => ['failed', 'skipped'].includes(record.steps[n]!.status));
      if (blocked.length) {
        const reason = `needs ${blocked.map((b) => `${b} (${record.steps[b]!.status})`).join(', ')}`;
        Object.assign(rec, { status: 'skipped', summary: `skipped: ${reason}`, outputs: {} });
        ctx.emit({ type: 'step_skipped', step: step.id, reason });
        await ctx.writer.save(record);
        continue;
      }
      if (waiting || running.size >= ctx.concurrency) continue;
      if (!needs.every((n) => record.steps[n]!.status === 'success')) continue;
      const comment = comments.get(step.id);
      comments.delete(step.id);
      rec.status = 'running';
      const work = runStep(ctx, step, comment).finally(() => running.delete(step.id));
      running.set(step.id, work);
    }
    if (running.size === 0) return;
    await Promise.race(running.values());
  }
}

/** Runs a step's attempts: again after each in-place rejection, until it ends or waits for review. */
async function runStep(
  ctx: DriveContext,
  step: PipelineStep,
  firstComment: string | undefined,
): Promise<void> {
  const rec = ctx.record.steps[step.id]!;
  let comment = firstComment;
  for (;;) {
    const attempt = await runAttempt(ctx, step, rec, comment);
    if (attempt.status !== 'success' || !step.review) {
      Object.assign(rec, { status: attempt.status, summary: attempt.summary, outputs: attempt.outputs });
      ctx.emit({ type: 'step_finished', step: step.id, result: resultOf(rec) });
      await ctx.writer.save(ctx.record);
      return;
    }
    Object.assign(rec, { status: 'review', summary: attempt.summary, outputs: attempt.outputs });
    ctx.record.history.push({ at: ctx.now().toISOString(), event: 'review requested', step: step.id });
    ctx.emit({ type: 'step_review', step: step.id, result: resultOf(rec) });
    await ctx.writer.save(ctx.record);
    const decision = await ctx.onReview?.({ runId: ctx.record.id, step: step.id, result: resultOf(rec) });
    if (!decision) return;
    comment = applyDecision(ctx.record, step.id, decision, ctx.now());
    await ctx.writer.save(ctx.record);
    if (comment === undefined) {
      ctx.emit({ type: 'step_finished', step: step.id, result: resultOf(rec) });
      return;
    }
  }
}

async function runAttempt(
  ctx: DriveContext,
  step: PipelineStep,
  rec: StepRecord,
  comment: string | undefined,
): Promise<StepAttempt> {
  const number = rec.attempts.length + 1;
  const previous = rec.attempts.at(-1);
  const prompt =
    stepPrompt(step, ctx.record.inputs, ctx.record.steps) +
    (comment !== undefined && previous ? `\n${rejectionNote(previous, comment)}` : '');
  const attempt: StepAttempt = {
    attempt: number,
    startedAt: ctx.now().toISOString(),
    status: 'running',
    summary: '',
    outputs: {},
    ...(comment !== undefined ? { comment } : {}),
  };
  rec.attempts.push(attempt);
  await ctx.writer.save(ctx.record);
  ctx.emit({ type: 'step_started', step: step.id, skill: step.skill, prompt, attempt: number });
  const result = await runStepAttempt({
    ...ctx.base,
    pipeline: ctx.pipeline,
    step,
    prompt,
    onEvent: (event) => ctx.emit({ type: 'session', step: step.id, event }),
    record: (entry) => {
      ctx.writer.append(step.id, { ...entry, at: ctx.now().toISOString(), attempt: number }).catch(() => {});
    },
  });
  Object.assign(attempt, { ...result, endedAt: ctx.now().toISOString() });
  const usage = addUsage(rec.usage, result.usage);
  if (usage) rec.usage = usage;
  return attempt;
}

/**
 * Applies a review decision to the step waiting for it: approve makes it a success; reject puts
 * it back to pending and returns the comment its next attempt is given.
 */
export function applyDecision(
  record: RunRecord,
  step: string,
  decision: ReviewDecision,
  now: Date,
): string | undefined {
  const rec = record.steps[step]!;
  const last = rec.attempts.at(-1);
  if (decision.decision === 'approve') {
    if (last) last.review = 'approved';
    rec.status = 'success';
    record.history.push({ at: now.toISOString(), event: 'approved', step });
    return undefined;
  }
  if (last) last.review = 'rejected';
  rec.status = 'pending';
  record.history.push({ at: now.toISOString(), event: 'rejected', step, comment: decision.comment });
  return decision.comment;
}

/** The step's state as later steps and callers see it. */
export function resultOf(rec: StepRecord): StepResult {
  const status = rec.status === 'running' ? 'pending' : rec.status;
  return { status, summary: rec.summary, outputs: rec.outputs };
}

function stepPrompt(
  step: PipelineStep,
  inputs: Record<string, string>,
  steps: Record<string, StepRecord>,
): string {
  if (step.prompt) {
    const results = Object.fromEntries(Object.entries(steps).map(([id, r]) => [id, resultOf(r)]));
    return substitute(step.prompt, inputs, results);
  }
  const lines = [`Carry out the instructions of the skill "${step.skill}" for this project.`];
  const given = Object.entries(inputs);
  if (given.length) lines.push('', 'Pipeline inputs:', ...given.map(([k, v]) => `- ${k}: ${v}`));
  return lines.join('\n');
}
