import type { SessionEvent } from './types.ts';

/** A JSON Schema object for a tool's parameters (strict-mode compatible: every property required). */
export interface ToolParameters {
  type: 'object';
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: false;
}

/** What a tool call gives back. */
export interface ToolOutcome {
  /** The text the model receives as the tool's result. */
  output: string;
  /** One short line for people (events, progress). */
  summary: string;
  /** False when the call failed; the model still gets `output` and may try again. */
  ok: boolean;
  /** Events to stream after the call (`skill_activated`, say). */
  events?: SessionEvent[];
  /** End the run after this turn's tool results are recorded (a pipeline's `finish_step`). */
  stop?: boolean;
}

/**
 * A function tool the model may call: a name, a description, JSON Schema parameters, and the
 * code that runs the call. `run` may throw: the message becomes a failed result for the model.
 * @example const echo: ToolSpec = { name: 'echo', description: 'Echo', parameters, run: async (a) => ({ ok: true, output: String(a.text), summary: 'echoed' }) }
 */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: ToolParameters;
  run(args: Record<string, unknown>): Promise<ToolOutcome>;
}

/** A tool call as a model asked for it, whatever the wire API. */
export interface ToolCall {
  /** `tool_call_id` (Chat Completions) or `call_id` (Responses). */
  id: string;
  name: string;
  /** The JSON text of the arguments, as sent. */
  arguments: string;
}

/**
 * Runs one tool call: parses its arguments, finds the tool and turns any failure into a failed
 * outcome the model can read. Never throws.
 */
export async function executeToolCall(tools: readonly ToolSpec[], call: ToolCall): Promise<ToolOutcome> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = tools.map((t) => t.name).join(', ');
    return failed(`there is no tool "${call.name}"; the tools are: ${names}`);
  }
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return failed('the arguments are not valid JSON');
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return failed('the arguments must be a JSON object');
  }
  try {
    return await tool.run(args as Record<string, unknown>);
  } catch (err) {
    return failed((err as Error).message ?? String(err));
  }
}

function failed(message: string): ToolOutcome {
  return { ok: false, output: `error: ${message}`, summary: message };
}

/** A string argument, or an Error (for the model) naming it. */
export function stringArg(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw new Error(`"${key}" must be a non-empty string`);
  return v;
}
