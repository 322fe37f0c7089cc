import { buildCatalog, DEFAULT_CATALOG_BUDGET } from './catalog.ts';
import { chatTransport } from './chat-transport.ts';
import { readSkillBody } from './load-skills.ts';
import { responsesTransport } from './responses-transport.ts';
import { defaultSleep, isRetryable, type RetryPolicy, retryDelay } from './retry.ts';
import { scriptEnv } from './run-script.ts';
import { findBwrap, type ScriptSandbox } from './sandbox.ts';
import { listSkillFiles } from './skill-files.ts';
import { activationText, skillTools } from './skill-tools.ts';
import { systemPrompt } from './system-prompt.ts';
import { executeToolCall, type ToolSpec } from './tool-spec.ts';
import type { ModelTurn } from './transport.ts';
import { addUsage, type ModelClient, type Transport } from './transport.ts';
import type { LoadedSkill, ModelApi, Permissions, SessionEvent, TranscriptEntry, Usage } from './types.ts';

export interface SessionOptions {
  /** An `openai` client the caller built (`new OpenAI({ apiKey, baseURL })`). */
  client: ModelClient;
  model: string;
  /** The installed skills (loadSkills). */
  skills: readonly LoadedSkill[];
  /** `chat` (Chat Completions, the default; every OpenAI-compatible server has it) or `responses`. */
  api?: ModelApi;
  /** Whether scripts may run (`scripts: 'allow'`); everything else is denied by default. */
  permissions?: Permissions;
  /** The project folder: scripts run there. */
  cwd: string;
  /** The host's own system text, placed before the skills section. */
  instructions?: string;
  /** Model requests per `run` before it stops with a warning (default 20). */
  maxTurns?: number;
  /** Stream the model's answers (text events arrive as deltas). */
  stream?: boolean;
  /** Characters for the skills catalog (default 8,000). */
  catalogBudget?: number;
  /** Skills activated before the first turn: their bodies go in the system prompt. */
  activeSkills?: readonly string[];
  /** More tools for the model, next to the skill tools. */
  tools?: readonly ToolSpec[];
  /**
   * The values scripts may be given: a script receives PATH, HOME, TMPDIR and the variables its
   * bundle declares, taken from here, and nothing else. When left out, PATH, HOME and TMPDIR
   * come from this process and no declared variable has a value (the process's own environment,
   * with its keys and tokens, is never handed over whole).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The skills whose scripts run_skill_script may run, besides having been activated in this
   * session (a pipeline step: its own skill). Default: any activated skill.
   */
  scriptSkills?: readonly string[];
  /** Sees every request, response, tool call, tool result, retry and error, in order (transcripts). */
  record?: (entry: TranscriptEntry) => void;
  /** Retries of model requests refused for now (429, 5xx); default 4 with backoff from 1 s. */
  retry?: RetryPolicy;
  /**
   * How scripts are confined. Default: inside bwrap when it is on PATH; otherwise unconfined,
   * with a warning at the start of the session. Given explicitly, no warning (the host says it).
   */
  sandbox?: ScriptSandbox;
}

/** A conversation: each `run` adds a user message and streams events until the model answers. */
export interface Session {
  run(input: string, opts?: { signal?: AbortSignal }): AsyncIterable<SessionEvent>;
}

type DoneEvent = Extract<SessionEvent, { type: 'done' }>;

/**
 * Creates an agent session over an OpenAI-compatible endpoint. The model sees a catalog of the
 * skills (name and description, within a budget) and the tools activate_skill, read_skill_file
 * and, when `permissions.scripts` is `allow`, run_skill_script. Each `run(input)` loops: send
 * the history and tools, run the tool calls, send their results, until the model answers
 * without tool calls (or `maxTurns`). History is kept across runs. Errors of the model server
 * (the SDK's APIError, network failures) are thrown from the iteration; tool failures are not:
 * they are results the model reads. Throws up front when an `activeSkills` name is not in `skills`.
 * @example
 * const session = createSession({ client: new OpenAI(), model: 'gpt-5-mini', skills, cwd });
 * for await (const e of session.run('Deploy the preview')) if (e.type === 'text') process.stdout.write(e.text);
 */
export function createSession(opts: SessionOptions): Session {
  const activated = new Set<string>();
  for (const name of opts.activeSkills ?? []) {
    if (!opts.skills.some((s) => s.name === name))
      throw new Error(`activeSkills: "${name}" is not among skills`);
  }
  const permissions = opts.permissions ?? {};
  const sandbox = opts.sandbox ?? { bwrap: findBwrap(process.env.PATH), require: false };
  // A skill with disable-model-invocation is not the model's to pick: it is neither listed nor
  // offered to activate_skill, unless the host made it active (a pipeline step's own skill).
  const offered = opts.skills.filter(
    (s) => !s.disableModelInvocation || (opts.activeSkills ?? []).includes(s.name),
  );
  const tools: ToolSpec[] = [
    ...skillTools({
      skills: offered,
      permissions,
      cwd: opts.cwd,
      env: opts.env ?? scriptEnv([], process.env),
      activated,
      ...(opts.scriptSkills ? { scriptSkills: opts.scriptSkills } : {}),
      sandbox,
    }),
    ...(opts.tools ?? []),
  ];
  let transport: Transport | undefined;
  const start = async function* (): AsyncGenerator<SessionEvent, Transport> {
    const catalog = buildCatalog(
      offered,
      opts.catalogBudget ?? DEFAULT_CATALOG_BUDGET,
      opts.activeSkills ?? [],
    );
    if (catalog.dropped.length) {
      yield {
        type: 'warning',
        message: `the skills catalog is over its budget; left out: ${catalog.dropped.join(', ')}`,
      };
    }
    if (!opts.sandbox && !sandbox.bwrap && permissions.scripts === 'allow') {
      yield { type: 'warning', message: 'bwrap is not installed: skill scripts run without a sandbox' };
    }
    const active: string[] = [];
    for (const name of opts.activeSkills ?? []) {
      const skill = opts.skills.find((s) => s.name === name)!;
      const [body, files] = await Promise.all([readSkillBody(skill), listSkillFiles(skill.dir)]);
      active.push(activationText(name, body, files));
      activated.add(name);
      yield { type: 'skill_activated', name };
    }
    const system = systemPrompt({
      ...(opts.instructions ? { instructions: opts.instructions } : {}),
      catalog: catalog.text,
      active,
      scripts: tools.some((t) => t.name === 'run_skill_script'),
    });
    const make = opts.api === 'responses' ? responsesTransport : chatTransport;
    return make({
      client: opts.client,
      model: opts.model,
      system,
      tools,
      stream: opts.stream === true,
      ...(opts.record ? { record: opts.record } : {}),
    });
  };

  return {
    async *run(input, runOpts = {}) {
      transport ??= yield* start();
      transport.addUser(input);
      const maxTurns = opts.maxTurns ?? 20;
      let usage: Usage | undefined;
      let text = '';
      for (let turn = 0; ; turn++) {
        if (turn >= maxTurns) {
          yield { type: 'warning', message: `stopped after ${maxTurns} model requests without an answer` };
          yield done(text, usage, 'max_turns');
          return;
        }
        const reply: ModelTurn = yield* ask(transport, opts, runOpts.signal);
        usage = addUsage(usage, reply.usage);
        text = reply.text;
        if (reply.calls.length === 0) {
          yield done(text, usage, 'answer');
          return;
        }
        const results: { id: string; output: string }[] = [];
        let stop = false;
        for (const call of reply.calls) {
          yield { type: 'tool_call', name: call.name, arguments: call.arguments };
          opts.record?.({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments });
          const outcome = await executeToolCall(tools, call);
          opts.record?.({
            type: 'tool_result',
            id: call.id,
            name: call.name,
            ok: outcome.ok,
            output: outcome.output,
          });
          yield* outcome.events ?? [];
          yield { type: 'tool_result', name: call.name, ok: outcome.ok, summary: outcome.summary };
          results.push({ id: call.id, output: outcome.output });
          stop ||= outcome.stop === true;
        }
        transport.addToolResults(results);
        if (stop) {
          yield done(text, usage, 'tool');
          return;
        }
      }
    },
  };
}

/**
 * One model turn, its text streamed as it comes; a failure the server may get over (429, 5xx,
 * a lost connection) before any text arrived is retried after a growing delay (retryDelay).
 * The transport adds nothing to its history until a turn succeeds, so a retry resends the same.
 */
async function* ask(
  transport: Transport,
  opts: SessionOptions,
  signal: AbortSignal | undefined,
): AsyncGenerator<SessionEvent, ModelTurn> {
  const policy = opts.retry ?? {};
  const retries = policy.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    let streamed = false;
    try {
      const answer = transport.next(signal);
      let step = await answer.next();
      while (!step.done) {
        streamed = true;
        yield { type: 'text', text: step.value };
        step = await answer.next();
      }
      return step.value;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      if (streamed || attempt >= retries || signal?.aborted || !isRetryable(err)) {
        const status = (err as { status?: unknown })?.status;
        opts.record?.({ type: 'error', message, ...(typeof status === 'number' ? { status } : {}) });
        throw err;
      }
      const delayMs = retryDelay(err, attempt, policy);
      opts.record?.({ type: 'retry', retry: attempt + 1, delayMs, error: message });
      yield { type: 'warning', message: `${message}; retrying in ${delayMs / 1000}s` };
      await (policy.sleep ?? defaultSleep)(delayMs, signal);
    }
  }
}

function done(text: string, usage: Usage | undefined, reason: DoneEvent['reason']): DoneEvent {
  return { type: 'done', text, ...(usage ? { usage } : {}), reason };
}
