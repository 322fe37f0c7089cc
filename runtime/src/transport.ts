import type OpenAI from 'openai';
import type { ToolCall, ToolSpec } from './tool-spec.ts';
import type { Usage } from './types.ts';

/** The part of an `openai` client a session uses; a real `new OpenAI(…)` is one. */
export type ModelClient = Pick<OpenAI, 'chat' | 'responses'>;

/** One answer of the model: its text and the tool calls it asks for. */
export interface ModelTurn {
  text: string;
  calls: ToolCall[];
  usage?: Usage;
}

/**
 * One conversation over one wire API. The transport keeps the history in that API's own shape
 * (so what the server returned is sent back exactly as returned).
 */
export interface Transport {
  addUser(text: string): void;
  /** Sends the history; yields text as it arrives (once, whole, when not streaming) and returns the turn. */
  next(signal?: AbortSignal): AsyncGenerator<string, ModelTurn>;
  /** Records the results of the last turn's tool calls, in call order. */
  addToolResults(results: readonly { id: string; output: string }[]): void;
}

export interface TransportOptions {
  client: ModelClient;
  model: string;
  /** The system prompt. */
  system: string;
  tools: readonly ToolSpec[];
  stream: boolean;
  /** Sees each request body as sent and each response (the body, or the streamed turn assembled). */
  record?: (entry: { type: 'request' | 'response'; body: unknown }) => void;
}

/** Adds usage of one request to a running total. */
export function addUsage(total: Usage | undefined, more: Usage | undefined): Usage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
  };
}
