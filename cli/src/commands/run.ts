import {
  findBwrap,
  type PipelineEvent,
  type PipelineResult,
  type ReviewPrompt,
  RuntimeError,
  readRun,
  resumePipeline,
  runPipeline,
} from '@skills/runtime';
import type { Command, CommandContext } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { findPipelineFile } from '../lib/project/pipeline-source.ts';
import { findProjectRoot } from '../lib/project/project.ts';

const OPENAI_URL = 'https://api.openai.com/v1';

/** The exit status of a run that stopped for a review: neither success (0) nor failure (1). */
export const EXIT_REVIEW = 3;

/**
 * `skills run PIPELINE [--input k=v…] [--model M] [--base-url URL] [--api chat|responses]`, or
 * `skills run --resume RUN [--approve | --reject --comment TEXT]`: runs a pipeline's steps as
 * agent sessions against an OpenAI-compatible endpoint (env `OPENAI_API_KEY`, `OPENAI_BASE_URL`;
 * model from `--model` or `SKILLS_MODEL`), recording it in `.agents/runs/<id>/`. Progress goes
 * to stderr; the result is each step's status and summary (`--json`: the runtime's
 * PipelineResult plus the pipeline file, model and api). Exit 1 when a step failed or was
 * skipped, 3 when a step waits for review (the text says how to continue).
 */
export const command: Command = {
  usage:
    'run PIPELINE [--input k=v…] [--model M] [--base-url URL] [--api chat|responses] [--stream] [--concurrency N] [--require-sandbox]\n       skills run --resume RUN [--approve | --reject --comment TEXT]',
  summary: 'run a pipeline of skills with an OpenAI-compatible model',
  options: {
    input: { type: 'string', multiple: true, description: 'a pipeline input, NAME=VALUE (repeatable)' },
    model: { type: 'string', description: 'the model (env SKILLS_MODEL)' },
    'base-url': { type: 'string', description: 'an OpenAI-compatible endpoint (env OPENAI_BASE_URL)' },
    api: { type: 'string', description: 'chat (Chat Completions, the default) or responses' },
    stream: { type: 'boolean', description: 'stream the model answers' },
    'max-turns': { type: 'string', description: 'model requests per step before it stops (default 20)' },
    concurrency: { type: 'string', description: 'steps run at once when their needs are met (default 2)' },
    'require-sandbox': { type: 'boolean', description: 'refuse to run skill scripts without bwrap' },
    resume: { type: 'string', description: 'continue the run RUN (see `skills runs`)' },
    approve: { type: 'boolean', description: 'with --resume: approve the step waiting for review' },
    reject: { type: 'boolean', description: 'with --resume: run the step waiting for review again' },
    comment: { type: 'string', description: 'with --reject: what the reviewer wants changed' },
  },
  async run(ctx) {
    const resume = str(ctx.flags.resume);
    const decision = reviewDecision(ctx, resume);
    if (resume && ctx.flags.input !== undefined)
      throw usageError('--input goes with a new run; a resumed run keeps the inputs it recorded');
    if (resume ? ctx.args.length !== 0 : ctx.args.length !== 1)
      throw usageError(resume ? '--resume takes no pipeline' : 'run takes one pipeline (a name or a path)');
    const projectDir = await findProjectRoot(ctx.cwd);
    const recorded = resume ? await runtimeCall(() => readRun(projectDir, resume)) : undefined;
    const model = str(ctx.flags.model) ?? nonEmpty(ctx.env.SKILLS_MODEL) ?? recorded?.model;
    if (!model) throw usageError('no model given', 'pass --model NAME or set SKILLS_MODEL');
    const baseURL = str(ctx.flags['base-url']) ?? nonEmpty(ctx.env.OPENAI_BASE_URL) ?? recorded?.baseURL;
    const api = str(ctx.flags.api) ?? recorded?.api ?? 'chat';
    if (api !== 'chat' && api !== 'responses')
      throw usageError(`--api must be chat or responses, not "${api}"`);
    const maxTurns = parseCount(ctx.flags['max-turns'], '--max-turns', 1000);
    const concurrency = parseCount(ctx.flags.concurrency, '--concurrency', 64);
    const apiKey = nonEmpty(ctx.env.OPENAI_API_KEY) ?? (baseURL ? 'sk-no-key' : undefined);
    if (!apiKey) {
      throw usageError(
        'OPENAI_API_KEY is not set',
        'set it, or point --base-url at a local server (Ollama, vLLM, …)',
      );
    }
    const { default: OpenAI } = await import('openai');
    // No retries in the client: the runtime retries 429 and 5xx itself, with backoff it records.
    const client = new OpenAI({ apiKey, baseURL: baseURL ?? OPENAI_URL, maxRetries: 0 });
    const common = {
      client,
      cwd: projectDir,
      env: scriptValues(ctx.env),
      secrets: [apiKey, ctx.env.SKILLS_TOKEN ?? ''],
      onEvent: progressPrinter(ctx),
      sandbox: { bwrap: findBwrap(ctx.env.PATH), require: ctx.flags['require-sandbox'] === true },
      ...(ctx.interactive ? { onReview: askReview(ctx) } : {}),
      ...(ctx.flags.stream === true ? { stream: true } : {}),
      ...(maxTurns ? { maxTurns } : {}),
      ...(concurrency ? { concurrency } : {}),
    };
    let file = recorded?.pipeline.file;
    const result = await runtimeCall(async () => {
      if (resume) return resumePipeline({ ...common, runId: resume, ...(decision ? { decision } : {}) });
      const source = await findPipelineFile({ projectDir, cwd: ctx.cwd, spec: ctx.args[0]!, env: ctx.env });
      file = source.file;
      return runPipeline({
        ...common,
        file: source.file,
        source: source.from,
        inputs: parseInputs(ctx.flags.input),
        model,
        api,
        ...(baseURL ? { baseURL } : {}),
      });
    });
    const continueWith = result.review ? resumeCommands(result.id) : undefined;
    return {
      text: renderResult(result, continueWith),
      json: { ...result, file, model, api, ...(continueWith ? { resume: continueWith } : {}) },
      exitCode: result.status === 'success' ? 0 : result.status === 'review' ? EXIT_REVIEW : 1,
    };
  },
};

/** --approve or --reject --comment, checked: only with --resume, one of them, a comment to reject. */
function reviewDecision(ctx: CommandContext, resume: string | undefined) {
  const approve = ctx.flags.approve === true;
  const reject = ctx.flags.reject === true;
  const comment = str(ctx.flags.comment);
  if ((approve || reject || comment) && !resume)
    throw usageError('--approve, --reject and --comment need --resume RUN');
  if (approve && reject) throw usageError('give --approve or --reject, not both');
  if (comment && !reject) throw usageError('--comment goes with --reject');
  if (reject && !comment) throw usageError('--reject needs --comment "what to change"');
  if (approve) return { decision: 'approve' as const };
  if (reject) return { decision: 'reject' as const, comment: comment! };
  return undefined;
}

/** On a terminal: asks in place whether to approve the step, or what to change. */
function askReview(ctx: CommandContext): ReviewPrompt {
  return async ({ step, result }) => {
    ctx.stderr.write(`\nreview "${step}": ${result.summary}\n`);
    for (const [k, v] of Object.entries(result.outputs)) ctx.stderr.write(`    ${k} = ${v}\n`);
    const answer = (await ctx.prompt!('approve? [y]es / [n]o, with a comment / Enter to stop here: ')).trim();
    if (/^y(es)?$/i.test(answer)) return { decision: 'approve' };
    if (/^no?$/i.test(answer)) {
      const comment = (await ctx.prompt!('what should change? ')).trim();
      if (comment) return { decision: 'reject', comment };
    }
    return undefined;
  };
}

function resumeCommands(id: string): { approve: string; reject: string } {
  return {
    approve: `skills run --resume ${id} --approve`,
    reject: `skills run --resume ${id} --reject --comment "…"`,
  };
}

/** Runs a runtime call, turning its RuntimeErrors into the CLI's coded errors. */
async function runtimeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RuntimeError) {
      throw new SkillsError(err.code, err.message, {
        ...(err.hint ? { hint: err.hint } : {}),
        details: err.problems.length ? { problems: err.problems } : undefined,
        exitCode: err.code === 'INPUT_MISSING' || err.code === 'INPUT_UNKNOWN' ? 2 : 1,
      });
    }
    throw err;
  }
}

/** Step lines (and tool calls, indented) on stderr as they happen. */
function progressPrinter(ctx: CommandContext): (e: PipelineEvent) => void {
  const out = (line: string) => ctx.stderr.write(`${line}\n`);
  return (e) => {
    if (e.type === 'warning') out(`warning: ${e.message}`);
    else if (e.type === 'step_started')
      out(`▸ ${e.step} (${e.skill})${e.attempt > 1 ? ` again, attempt ${e.attempt}` : ''}`);
    else if (e.type === 'step_skipped') out(`- ${e.step} skipped: ${e.reason}`);
    else if (e.type === 'step_finished') out(`${mark(e.result.status)} ${e.step} ${e.result.status}`);
    else if (e.type === 'step_review') out(`? ${e.step} waits for review`);
    else if (e.event.type === 'tool_result')
      out(`    ${e.event.ok ? '' : 'failed: '}${e.event.name}: ${e.event.summary}`);
    else if (e.event.type === 'warning') out(`    warning: ${e.event.message}`);
  };
}

function renderResult(result: PipelineResult, next?: { approve: string; reject: string }): string {
  const status = result.review ? `waiting for review of "${result.review}"` : result.status;
  const lines = [`${result.name}: ${status} (run ${result.id})`];
  for (const [id, step] of Object.entries(result.steps)) {
    lines.push(`${mark(step.status)} ${id}: ${step.summary.replace(/\n/g, '\n    ')}`);
    for (const [k, v] of Object.entries(step.outputs)) lines.push(`    ${k} = ${v}`);
  }
  if (next) lines.push('', `approve:  ${next.approve}`, `reject:   ${next.reject}`);
  return lines.join('\n');
}

function mark(status: string): string {
  if (status === 'success') return '✓';
  if (status === 'review') return '?';
  return status === 'skipped' || status === 'pending' ? '-' : '✗';
}

function parseInputs(flag: CommandContext['flags'][string]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of Array.isArray(flag) ? flag : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`--input ${pair}: expected NAME=VALUE`);
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return inputs;
}

function parseCount(flag: CommandContext['flags'][string], name: string, max: number): number | undefined {
  if (flag === undefined) return undefined;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw usageError(`${name} must be a whole number from 1 to ${max}`);
  return n;
}

/**
 * The values scripts may be given: the environment without the CLI's own credentials (the
 * model's key, the registry token), which no script receives even when its bundle names them.
 * The runtime then passes a script only PATH, HOME, TMPDIR and what its bundle declares.
 */
function scriptValues(env: CommandContext['env']): Record<string, string | undefined> {
  const { OPENAI_API_KEY: _key, SKILLS_TOKEN: _token, ...rest } = env;
  return rest;
}

function str(v: CommandContext['flags'][string]): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
