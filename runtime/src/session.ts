import { buildCatalog, DEFAULT_CATALOG_BUDGET } from './catalog.ts';
import { chatTransport } from './chat-transport.ts';
import { readSkillBody } from './load-skills.ts';
import { responsesTransport } from './responses-transport.ts';
import { scriptEnv } from './run-script.ts';
import { listSkillFiles } from './skill-files.ts';
import { activationText, skillTools } from './skill-tools.ts';
import { systemPrompt } from './system-prompt.ts';
import { executeToolCall, type ToolSpec } from './tool-spec.ts';
import { addUsage, type ModelClient, type Transport } from './transport.ts';
import type { LoadedSkill, ModelApi, Permissions, SessionEvent, Usage } from './types.ts';

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
  const tools: ToolSpec[] = [
    ...skillTools({
      skills: opts.skills,
      permissions,
      cwd: opts.cwd,
      env: opts.env ?? scriptEnv([], process.env),
      activated,
      ...(opts.scriptSkills ? { scriptSkills: opts.scriptSkills } : {}),
    }),
    ...(opts.tools ?? []),
  ];
  let transport: Transport | undefined;
  const start = async function* (): AsyncGenerator<SessionEvent, Transport> {
    const catalog = buildCatalog(opts.skills, opts.catalogBudget ?? DEFAULT_CATALOG_BUDGET);
    if (catalog.dropped.length) {
      yield {
        type: 'warning',
        message: `the skills catalog is over its budget; left out: ${catalog.dropped.join(', ')}`,
      };
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
    return make({ client: opts.client, model: opts.model, system, tools, stream: opts.stream === true });
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
        const answer = transport.next(runOpts.signal);
        let step = await answer.next();
        while (!step.done) {
          yield { type: 'text', text: step.value };
          step = await answer.next();
        }
        const reply = step.value;
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
          const outcome = await executeToolCall(tools, call);
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

function done(text: string, usage: Usage | undefined, reason: DoneEvent['reason']): DoneEvent {
  return { type: 'done', text, ...(usage ? { usage } : {}), reason };
}
