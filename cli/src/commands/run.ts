import { type PipelineEvent, type PipelineResult, RuntimeError, runPipeline } from '@skills/runtime';
import type { Command, CommandContext } from '../lib/context.ts';
import { SkillsError, usageError } from '../lib/errors.ts';
import { findPipelineFile } from '../lib/project/pipeline-source.ts';
import { findProjectRoot } from '../lib/project/project.ts';

const OPENAI_URL = 'https://api.openai.com/v1';

/**
 * `skills run PIPELINE [--input k=v…] [--model M] [--base-url URL] [--api chat|responses]`:
 * runs a pipeline's steps as agent sessions against an OpenAI-compatible endpoint (env
 * `OPENAI_API_KEY`, `OPENAI_BASE_URL`; model from `--model` or `SKILLS_MODEL`). Progress goes to
 * stderr; the result is each step's status and summary (`--json`: the runtime's PipelineResult
 * plus the pipeline file). Exit 1 when a step failed or was skipped.
 */
export const command: Command = {
  usage: 'run PIPELINE [--input k=v…] [--model M] [--base-url URL] [--api chat|responses] [--stream]',
  summary: 'run a pipeline of skills with an OpenAI-compatible model',
  options: {
    input: { type: 'string', multiple: true, description: 'a pipeline input, NAME=VALUE (repeatable)' },
    model: { type: 'string', description: 'the model (env SKILLS_MODEL)' },
    'base-url': { type: 'string', description: 'an OpenAI-compatible endpoint (env OPENAI_BASE_URL)' },
    api: { type: 'string', description: 'chat (Chat Completions, the default) or responses' },
    stream: { type: 'boolean', description: 'stream the model answers' },
    'max-turns': { type: 'string', description: 'model requests per step before it stops (default 20)' },
  },
  async run(ctx) {
    if (ctx.args.length !== 1) throw usageError('run takes one pipeline (a name or a path)');
    const inputs = parseInputs(ctx.flags.input);
    const model = str(ctx.flags.model) ?? nonEmpty(ctx.env.SKILLS_MODEL);
    if (!model) throw usageError('no model given', 'pass --model NAME or set SKILLS_MODEL');
    const baseURL = str(ctx.flags['base-url']) ?? nonEmpty(ctx.env.OPENAI_BASE_URL);
    const api = str(ctx.flags.api) ?? 'chat';
    if (api !== 'chat' && api !== 'responses')
      throw usageError(`--api must be chat or responses, not "${api}"`);
    const maxTurns = parseMaxTurns(ctx.flags['max-turns']);
    const apiKey = nonEmpty(ctx.env.OPENAI_API_KEY) ?? (baseURL ? 'sk-no-key' : undefined);
    if (!apiKey) {
      throw usageError(
        'OPENAI_API_KEY is not set',
        'set it, or point --base-url at a local server (Ollama, vLLM, …)',
      );
    }
    const projectDir = await findProjectRoot(ctx.cwd);
    const source = await findPipelineFile({ projectDir, cwd: ctx.cwd, spec: ctx.args[0]!, env: ctx.env });
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ apiKey, baseURL: baseURL ?? OPENAI_URL });
    let result: PipelineResult;
    try {
      result = await runPipeline({
        file: source.file,
        inputs,
        client,
        model,
        api,
        cwd: projectDir,
        env: scriptValues(ctx.env),
        onEvent: progressPrinter(ctx),
        ...(ctx.flags.stream === true ? { stream: true } : {}),
        ...(maxTurns ? { maxTurns } : {}),
      });
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
    return {
      text: renderResult(result),
      json: { ...result, file: source.file, model, api },
      exitCode: result.status === 'success' ? 0 : 1,
    };
  },
};

/** Step lines (and tool calls, indented) on stderr as they happen. */
function progressPrinter(ctx: CommandContext): (e: PipelineEvent) => void {
  const out = (line: string) => ctx.stderr.write(`${line}\n`);
  return (e) => {
    if (e.type === 'step_started') out(`▸ ${e.step} (${e.skill})`);
    else if (e.type === 'step_skipped') out(`- ${e.step} skipped: ${e.reason}`);
    else if (e.type === 'step_finished') out(`${mark(e.result.status)} ${e.step} ${e.result.status}`);
    else if (e.event.type === 'tool_result')
      out(`    ${e.event.ok ? '' : 'failed: '}${e.event.name}: ${e.event.summary}`);
    else if (e.event.type === 'warning') out(`    warning: ${e.event.message}`);
  };
}

function renderResult(result: PipelineResult): string {
  const lines = [`${result.name}: ${result.status}`];
  for (const [id, step] of Object.entries(result.steps)) {
    lines.push(`${mark(step.status)} ${id}: ${step.summary.replace(/\n/g, '\n    ')}`);
    for (const [k, v] of Object.entries(step.outputs)) lines.push(`    ${k} = ${v}`);
  }
  return lines.join('\n');
}

function mark(status: string): string {
  return status === 'success' ? '✓' : status === 'skipped' ? '-' : '✗';
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

function parseMaxTurns(flag: CommandContext['flags'][string]): number | undefined {
  if (flag === undefined) return undefined;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw usageError('--max-turns must be a whole number from 1 to 1000');
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
