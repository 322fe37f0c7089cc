import type { Capabilities, Permissions } from '@skills/schemas';

export type { Capabilities, Permissions };

/** The two OpenAI-compatible wire APIs a session can speak. */
export type ModelApi = 'chat' | 'responses';

/** One installed skill as the runtime knows it before activation: its body is read on activation. */
export interface LoadedSkill {
  name: string;
  description: string;
  /** The skill's folder (absolute). */
  dir: string;
  /** `<dir>/SKILL.md` (absolute). */
  skillMdPath: string;
  /** `disable-model-invocation: true`: only a person (or a pipeline step) invokes it; left out of the model's catalog. */
  disableModelInvocation?: boolean;
  /** The frontmatter's `allowed-tools`: the string split on spaces, or the YAML list form item by item. */
  allowedTools?: string[];
  /** The bundle that installed it, when `skills-lock.json` lists its folder. */
  bundle?: string;
  /**
   * What its scripts may use: the capabilities `skills-lock.json` records for its bundle (the
   * published manifest install showed). Absent: PATH, HOME and TMPDIR only, no network, no writes.
   */
  capabilities?: Capabilities;
  /** What was lenient about loading it: a name/folder mismatch, unknown keys, and the like. */
  diagnostics: string[];
}

/** Token counts summed over a session's requests, when the server reports them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What a session streams while it runs. */
export type SessionEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; name: string; arguments: string }
  | { type: 'tool_result'; name: string; ok: boolean; summary: string }
  | { type: 'skill_activated'; name: string }
  | { type: 'warning'; message: string }
  /** The last event of a run: the final text, and why it ended (an answer, a stopping tool such as finish_step, or maxTurns). */
  | { type: 'done'; text: string; usage?: Usage; reason: 'answer' | 'tool' | 'max_turns' };

/** One line of a transcript: what was sent, what came back, each tool call and its result. */
export type TranscriptEntry =
  | { type: 'request' | 'response'; body: unknown }
  | { type: 'tool_call'; id: string; name: string; arguments: string }
  | { type: 'tool_result'; id: string; name: string; ok: boolean; output: string }
  | { type: 'retry'; retry: number; delayMs: number; error: string }
  | { type: 'error'; message: string; status?: number };
