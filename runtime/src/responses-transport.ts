import type OpenAI from 'openai';
import type { ToolCall } from './tool-spec.ts';
import type { ModelTurn, Transport, TransportOptions } from './transport.ts';
import type { Usage } from './types.ts';

type InputItem = OpenAI.Responses.ResponseInputItem;
type OutputItem = OpenAI.Responses.ResponseOutputItem;
type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

/**
 * A conversation over the Responses API with plain `responses.create` calls: the system text in
 * `instructions`, `tools: [{type: 'function', name, …}]`, every output item replayed verbatim in
 * the next `input`, then `{type: 'function_call_output', call_id, output}` per call. The history
 * is kept here (no `previous_response_id`, which some servers lack), and the text is computed
 * from the output items (`output_text` is only filled for OpenAI-exact bodies). With `stream`,
 * text deltas are yielded and the output is taken from `response.completed` (or the items done).
 * API errors are thrown from `next`, as is a `response.failed` or `error` event.
 */
export function responsesTransport(opts: TransportOptions): Transport {
  const input: InputItem[] = [];
  const tools = opts.tools.map((t) => ({
    type: 'function' as const,
    name: t.name,
    description: t.description,
    parameters: { ...t.parameters },
    strict: true,
  }));
  const body = () => ({
    model: opts.model,
    instructions: opts.system,
    input,
    ...(tools.length ? { tools } : {}),
  });
  return {
    addUser(text) {
      input.push({ role: 'user', content: text });
    },
    async *next(signal) {
      let output: OutputItem[];
      let usage: Usage | undefined;
      if (!opts.stream) {
        const request = { ...body(), stream: false as const };
        opts.record?.({ type: 'request', body: request });
        const res = await opts.client.responses.create(request, { signal });
        opts.record?.({ type: 'response', body: res });
        output = res.output ?? [];
        usage = usageOf(res.usage);
        const text = textOf(output);
        if (text) yield text;
      } else {
        const request = { ...body(), stream: true as const };
        opts.record?.({ type: 'request', body: request });
        const stream = await opts.client.responses.create(request, { signal });
        const done: OutputItem[] = [];
        let completed: OutputItem[] | undefined;
        for await (const event of stream as AsyncIterable<StreamEvent>) {
          if (event.type === 'response.output_text.delta' && event.delta) yield event.delta;
          else if (event.type === 'response.output_item.done') done[event.output_index] = event.item;
          else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
            if (event.response.output?.length) completed = event.response.output;
            usage = usageOf(event.response.usage);
          } else if (event.type === 'response.failed') {
            throw new Error(`the response failed: ${event.response.error?.message ?? 'no reason given'}`);
          } else if (event.type === 'error') {
            throw new Error(`the model server reported an error: ${event.message}`);
          }
        }
        output = completed ?? done.filter(Boolean);
        opts.record?.({ type: 'response', body: { streamed: true, output, usage } });
      }
      input.push(...(output as InputItem[]));
      return {
        text: textOf(output),
        calls: callsOf(output),
        ...(usage ? { usage } : {}),
      } satisfies ModelTurn;
    },
    addToolResults(results) {
      for (const r of results) input.push({ type: 'function_call_output', call_id: r.id, output: r.output });
    },
  };
}

/** The text of the output's messages (their `output_text` parts), in order. */
function textOf(output: readonly OutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) if (part.type === 'output_text') text += part.text;
  }
  return text;
}

function callsOf(output: readonly OutputItem[]): ToolCall[] {
  return output.flatMap((item) =>
    item.type === 'function_call'
      ? [{ id: item.call_id, name: item.name, arguments: item.arguments ?? '' }]
      : [],
  );
}

function usageOf(u: OpenAI.Responses.ResponseUsage | null | undefined): Usage | undefined {
  if (!u) return undefined;
  return { inputTokens: u.input_tokens ?? 0, outputTokens: u.output_tokens ?? 0 };
}
