import type { Pipeline } from '@skills/schemas';
import { RuntimeError } from './errors.ts';
import { loadPipelineFile, validatePipeline } from './load-pipeline.ts';
import { loadSkills } from './load-skills.ts';
import {
  applyDecision,
  type DriveContext,
  drive,
  type PipelineEvent,
  type ReviewDecision,
  type ReviewPrompt,
  resultOf,
} from './pipeline-driver.ts';
import { resolveInputs, type StepResult } from './pipeline-plan.ts';
import { makeRedactor, publicUrl, secretValues } from './redact.ts';
import type { RetryPolicy } from './retry.ts';
import { newRunId, type RunRecord, RunWriter, readRun } from './run-record.ts';
import { findBwrap, type ScriptSandbox } from './sandbox.ts';
import type { ModelClient } from './transport.ts';
import type { LoadedSkill, ModelApi } from './types.ts';

export type { PipelineEvent, ReviewDecision, ReviewPrompt, StepResult };

/** How a run talks to the model and where it works; shared by runPipeline and resumePipeline. */
export interface PipelineRunOptions {
  client: ModelClient;
  /** The project folder; runs are kept in `<cwd>/.agents/runs/`. */
  cwd: string;
  /** The installed skills; loadSkills({ cwd }) when left out. */
  skills?: readonly LoadedSkill[];
  onEvent?: (event: PipelineEvent) => void;
  /** Asked in place when a review step succeeds (a terminal); without it the run stops there. */
  onReview?: ReviewPrompt;
  stream?: boolean;
  /** Model requests per step (default 20). */
  maxTurns?: number;
  /** The values scripts may receive (see SessionOptions.env); also redacted from transcripts. */
  env?: Readonly<Record<string, string | undefined>>;
  /** More values never to write into a run's files (the API key, tokens). */
  secrets?: readonly string[];
  /** Steps running at once (default 2). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Overrides every step's time limit (tests). */
  stepTimeoutMs?: number;
  /** How scripts are confined; by default bwrap when found on PATH, else not sandboxed (said once). */
  sandbox?: ScriptSandbox;
  /** The clock of run records and transcripts (tests). */
  now?: () => Date;
}

export interface RunPipelineOptions extends PipelineRunOptions {
  /** A pipeline file to read; or give `pipeline`. */
  file?: string;
  /** Where the file comes from, for the record: `project`, `BUNDLE@VERSION`, a skill folder. */
  source?: string;
  /** A pipeline as data (validated again here). */
  pipeline?: Pipeline | unknown;
  inputs?: Readonly<Record<string, string>>;
  model: string;
  api?: ModelApi;
  /** The endpoint, recorded without credentials. */
  baseURL?: string;
}

export interface ResumePipelineOptions extends PipelineRunOptions {
  runId: string;
  /** The decision about the step waiting for review; without one, onReview is asked (or the run stops again). */
  decision?: ReviewDecision;
}

/** The outcome: each step's result; `review` when a step waits for a person. */
export interface PipelineResult {
  /** The run id: `skills run --resume ID`, `.agents/runs/ID/`. */
  id: string;
  /** The run's folder. */
  dir: string;
  name: string;
  status: 'success' | 'failed' | 'review';
  steps: Record<string, StepResult>;
  /** The step waiting for review, when status is `review`. */
  review?: string;
}

/**
 * Runs a pipeline and records it in `<cwd>/.agents/runs/<id>/`: validates it, resolves its
 * inputs, then runs each step whose needs succeeded as a fresh session (up to `concurrency` at
 * once), its skill active and its prompt's `${{ … }}` filled in. A failed step skips only its
 * dependents; a model request refused for now is retried with backoff; a step has a time limit.
 * A step with `review: true` stops the run after it succeeds (status `review`) unless
 * `onReview` decides in place. Throws RuntimeError before any step runs: PIPELINE_NOT_FOUND,
 * PIPELINE_INVALID, INPUT_MISSING, INPUT_UNKNOWN, SKILL_NOT_INSTALLED, SANDBOX_UNAVAILABLE.
 * @example
 * const result = await runPipeline({ file: '.agents/pipelines/ship.yaml', inputs: { design: 'a.fig' }, client, model, cwd });
 * if (result.status === 'review') console.log(`skills run --resume ${result.id} --approve`);
 */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  const pipeline = opts.file ? await loadPipelineFile(opts.file) : validatePipeline(opts.pipeline);
  const inputs = resolveInputs(pipeline, opts.inputs ?? {});
  const skills = await checkSkills(pipeline, opts);
  const now = opts.now ?? (() => new Date());
  const started = now();
  const record: RunRecord = {
    runVersion: 1,
    id: newRunId(pipeline.name, started),
    pipeline: {
      name: pipeline.name,
      ...(opts.file ? { file: opts.file } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      definition: pipeline,
    },
    inputs,
    model: opts.model,
    api: opts.api ?? 'chat',
    ...(opts.baseURL ? { baseURL: publicUrl(opts.baseURL) } : {}),
    startedAt: started.toISOString(),
    status: 'running',
    steps: Object.fromEntries(
      pipeline.steps.map((s) => [s.id, { status: 'pending', summary: '', outputs: {}, attempts: [] }]),
    ),
    history: [{ at: started.toISOString(), event: 'started' }],
  };
  return execute(record, skills, opts, new Map());
}

/**
 * Continues a recorded run: applies `decision` to the step waiting for review (approve: it
 * succeeds; reject: it runs again with the comment, and waits for review again), runs again any
 * step an interrupted run left running, then goes on as runPipeline. Appends to the run's files.
 * Throws RuntimeError RUN_NOT_FOUND, RUN_NOT_RESUMABLE (finished, or a decision with no step
 * waiting), SKILL_NOT_INSTALLED.
 * @example await resumePipeline({ runId, decision: { decision: 'reject', comment: 'Shorter.' }, client, cwd })
 */
export async function resumePipeline(opts: ResumePipelineOptions): Promise<PipelineResult> {
  const record = await readRun(opts.cwd, opts.runId);
  const waiting = Object.keys(record.steps).filter((id) => record.steps[id]!.status === 'review');
  if (record.status === 'success' || record.status === 'failed') {
    throw new RuntimeError('RUN_NOT_RESUMABLE', `run "${record.id}" has finished (${record.status})`, {
      hint: 'start a new run with `skills run PIPELINE`',
    });
  }
  if (opts.decision && waiting.length === 0) {
    throw new RuntimeError('RUN_NOT_RESUMABLE', `no step of run "${record.id}" waits for review`);
  }
  const pipeline = validatePipeline(record.pipeline.definition, record.pipeline.file ?? record.pipeline.name);
  const skills = await checkSkills(pipeline, opts);
  const now = opts.now ?? (() => new Date());
  const comments = new Map<string, string>();
  record.status = 'running';
  record.history.push({ at: now().toISOString(), event: 'resumed' });
  for (const rec of Object.values(record.steps)) if (rec.status === 'running') rec.status = 'pending';
  const first = waiting[0];
  let decision = opts.decision;
  if (first && !decision && opts.onReview) {
    decision = await opts.onReview({ runId: record.id, step: first, result: resultOf(record.steps[first]!) });
  }
  if (first && decision) {
    const comment = applyDecision(record, first, decision, now());
    if (comment !== undefined) comments.set(first, comment);
  }
  return execute(record, skills, opts, comments);
}

async function execute(
  record: RunRecord,
  skills: readonly LoadedSkill[],
  opts: PipelineRunOptions,
  comments: Map<string, string>,
): Promise<PipelineResult> {
  const now = opts.now ?? (() => new Date());
  const emit = opts.onEvent ?? (() => {});
  const env = opts.env ?? {};
  const declared = skills.flatMap((s) => s.capabilities?.env ?? []);
  const redact = makeRedactor([...(opts.secrets ?? []), ...secretValues(env, declared)]);
  const writer = new RunWriter(opts.cwd, record.id, redact);
  await writer.create();
  const pipeline = record.pipeline.definition;
  const sandbox = opts.sandbox ?? { bwrap: findBwrap(process.env.PATH), require: false };
  const scripts = [pipeline.permissions, ...pipeline.steps.map((s) => s.permissions)].some(
    (p) => p?.scripts === 'allow',
  );
  if (scripts && !sandbox.bwrap) {
    emit({
      type: 'warning',
      message: sandbox.require
        ? 'bwrap is not installed: skill scripts will be refused (--require-sandbox)'
        : 'bwrap is not installed: skill scripts run without a sandbox',
    });
  }
  const ctx: DriveContext = {
    record,
    writer,
    pipeline,
    concurrency: Math.max(1, opts.concurrency ?? 2),
    now,
    emit,
    ...(opts.onReview ? { onReview: opts.onReview } : {}),
    base: {
      client: opts.client,
      model: record.model,
      api: record.api,
      cwd: opts.cwd,
      skills,
      env,
      sandbox,
      ...(opts.stream ? { stream: true } : {}),
      ...(opts.maxTurns ? { maxTurns: opts.maxTurns } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.stepTimeoutMs ? { timeoutMs: opts.stepTimeoutMs } : {}),
    },
  };
  await writer.save(record);
  await drive(ctx, comments);
  const steps = Object.fromEntries(Object.entries(record.steps).map(([id, r]) => [id, resultOf(r)]));
  const review = Object.keys(steps).find((id) => steps[id]!.status === 'review');
  const ok = Object.values(steps).every((r) => r.status === 'success');
  record.status = review ? 'review' : ok ? 'success' : 'failed';
  if (review) record.history.push({ at: now().toISOString(), event: 'stopped for review', step: review });
  else {
    record.endedAt = now().toISOString();
    record.history.push({ at: record.endedAt, event: 'finished' });
  }
  await writer.save(record);
  await writer.flush();
  return {
    id: record.id,
    dir: writer.dir,
    name: record.pipeline.name,
    status: record.status,
    steps,
    ...(review ? { review } : {}),
  };
}

async function checkSkills(pipeline: Pipeline, opts: PipelineRunOptions): Promise<readonly LoadedSkill[]> {
  const skills = opts.skills ?? (await loadSkills({ cwd: opts.cwd }));
  const missing = [...new Set(pipeline.steps.map((s) => s.skill))].filter(
    (n) => !skills.some((s) => s.name === n),
  );
  if (missing.length) {
    throw new RuntimeError(
      'SKILL_NOT_INSTALLED',
      `pipeline "${pipeline.name}" uses skills that are not installed: ${missing.join(', ')}`,
      { hint: 'install the bundles that provide them (`skills install NAME`)' },
    );
  }
  return skills;
}
