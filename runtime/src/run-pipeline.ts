import type { Pipeline, PipelineStep } from '@skills/schemas';
import { RuntimeError } from './errors.ts';
import { finishStepTool, type StepReport } from './finish-step-tool.ts';
import { loadPipelineFile, validatePipeline } from './load-pipeline.ts';
import { loadSkills } from './load-skills.ts';
import { orderSteps, resolveInputs, type StepResult, substitute } from './pipeline-plan.ts';
import { createSession } from './session.ts';
import type { ModelClient } from './transport.ts';
import type { LoadedSkill, ModelApi, SessionEvent } from './types.ts';

export type { StepResult };

/** What runPipeline reports while it runs. */
export type PipelineEvent =
  | { type: 'step_started'; step: string; skill: string; prompt: string }
  | { type: 'session'; step: string; event: SessionEvent }
  | { type: 'step_finished'; step: string; result: StepResult }
  | { type: 'step_skipped'; step: string; reason: string };

export interface RunPipelineOptions {
  /** A pipeline file to read; or give `pipeline`. */
  file?: string;
  /** A pipeline as data (validated again here). */
  pipeline?: Pipeline | unknown;
  inputs?: Readonly<Record<string, string>>;
  client: ModelClient;
  model: string;
  api?: ModelApi;
  /** The project folder. */
  cwd: string;
  /** The installed skills; loadSkills({ cwd }) when left out. */
  skills?: readonly LoadedSkill[];
  onEvent?: (event: PipelineEvent) => void;
  stream?: boolean;
  /** Model requests per step (default 20). */
  maxTurns?: number;
  env?: Readonly<Record<string, string | undefined>>;
}

/** The outcome: each step's result, and `failed` when any step failed or was skipped. */
export interface PipelineResult {
  name: string;
  status: 'success' | 'failed';
  steps: Record<string, StepResult>;
}

/**
 * Runs a pipeline: validates it, resolves its inputs, orders its steps by `needs`, and runs
 * each step as a fresh session with its skill already activated, its prompt's `${{ … }}`
 * filled in, and the pipeline's permissions merged with the step's. A step reports through
 * `finish_step` (or its final answer becomes its summary); a failed step skips its dependents.
 * Steps run one at a time. Throws RuntimeError before any step runs: PIPELINE_NOT_FOUND,
 * PIPELINE_INVALID (with every problem), INPUT_MISSING, INPUT_UNKNOWN, SKILL_NOT_INSTALLED.
 * A model server failing during a step fails that step instead of throwing.
 * @example
 * const result = await runPipeline({ file: '.agents/pipelines/ship.yaml', inputs: { design: 'a.fig' }, client, model, cwd });
 * result.steps.ui.summary
 */
export async function runPipeline(opts: RunPipelineOptions): Promise<PipelineResult> {
  const pipeline = opts.file ? await loadPipelineFile(opts.file) : validatePipeline(opts.pipeline);
  const inputs = resolveInputs(pipeline, opts.inputs ?? {});
  const skills = opts.skills ?? (await loadSkills({ cwd: opts.cwd }));
  const missing = [...new Set(pipeline.steps.map((s) => s.skill))].filter(
    (n) => !skills.some((s) => s.name === n),
  );
  if (missing.length) {
    throw new RuntimeError(
      'SKILL_NOT_INSTALLED',
      `pipeline "${pipeline.name}" uses skills that are not installed: ${missing.join(', ')}`,
      {
        hint: 'install the bundles that provide them (`skills install NAME`)',
      },
    );
  }
  const emit = opts.onEvent ?? (() => {});
  const results: Record<string, StepResult> = {};
  for (const step of orderSteps(pipeline.steps)) {
    const blocked = (step.needs ?? []).filter((n) => results[n]?.status !== 'success');
    if (blocked.length) {
      const reason = `needs ${blocked.map((b) => `${b} (${results[b]?.status})`).join(', ')}`;
      results[step.id] = { status: 'skipped', summary: `skipped: ${reason}`, outputs: {} };
      emit({ type: 'step_skipped', step: step.id, reason });
      continue;
    }
    const prompt = stepPrompt(step, inputs, results);
    emit({ type: 'step_started', step: step.id, skill: step.skill, prompt });
    results[step.id] = await runStep({ opts, pipeline, step, prompt, skills, emit });
    emit({ type: 'step_finished', step: step.id, result: results[step.id]! });
  }
  const ok = Object.values(results).every((r) => r.status === 'success');
  return { name: pipeline.name, status: ok ? 'success' : 'failed', steps: results };
}

async function runStep(ctx: {
  opts: RunPipelineOptions;
  pipeline: Pipeline;
  step: PipelineStep;
  prompt: string;
  skills: readonly LoadedSkill[];
  emit: (e: PipelineEvent) => void;
}): Promise<StepResult> {
  const { opts, pipeline, step } = ctx;
  let report: StepReport | undefined;
  const session = createSession({
    client: opts.client,
    model: opts.model,
    skills: ctx.skills,
    cwd: opts.cwd,
    permissions: { ...pipeline.permissions, ...step.permissions },
    instructions: stepInstructions(pipeline, step),
    activeSkills: [step.skill],
    scriptSkills: [step.skill],
    tools: [finishStepTool(step, (r) => (report = r))],
    ...(opts.api ? { api: opts.api } : {}),
    ...(opts.stream ? { stream: true } : {}),
    ...(opts.maxTurns ? { maxTurns: opts.maxTurns } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  let final: Extract<SessionEvent, { type: 'done' }> | undefined;
  try {
    for await (const event of session.run(ctx.prompt)) {
      ctx.emit({ type: 'session', step: step.id, event });
      if (event.type === 'done') final = event;
    }
  } catch (err) {
    return { status: 'failed', summary: `the model server failed: ${(err as Error).message}`, outputs: {} };
  }
  const r: StepReport = report ?? {
    summary: final?.text.trim() ?? '',
    status: final?.reason === 'max_turns' ? 'failed' : 'success',
    outputs: {},
  };
  const absent = Object.keys(step.outputs ?? {}).filter((name) => !(name in r.outputs));
  const summary = r.summary || (r.status === 'failed' ? 'failed without a summary' : 'no summary');
  if (absent.length && r.status === 'success') {
    return {
      status: 'failed',
      summary: `${summary}\n(outputs not reported: ${absent.join(', ')})`,
      outputs: r.outputs,
    };
  }
  return { status: r.status, summary, outputs: r.outputs };
}

function stepPrompt(
  step: PipelineStep,
  inputs: Record<string, string>,
  results: Record<string, StepResult>,
): string {
  if (step.prompt) return substitute(step.prompt, inputs, results);
  const lines = [`Carry out the instructions of the skill "${step.skill}" for this project.`];
  const given = Object.entries(inputs);
  if (given.length) lines.push('', 'Pipeline inputs:', ...given.map(([k, v]) => `- ${k}: ${v}`));
  return lines.join('\n');
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
