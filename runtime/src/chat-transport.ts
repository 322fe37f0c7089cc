import type OpenAI from 'openai';
import type { ToolCall } from './tool-spec.ts';
import type { ModelTurn, Transport, TransportOptions } from './transport.ts';
import type { Usage } from './types.ts';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/**
 * A conversation over Chat Completions with plain `chat.completions.create` calls (no SDK
 * helpers, which assume OpenAI-exact events): `tools: [{type: 'function', function: {…}}]`,
 * the assistant message sent back as returned, then `{role: 'tool', tool_call_id, content}`
 * per call. With `stream`, content and tool-call deltas are accumulated by index.
 * API errors (APIError of the SDK) are thrown from `next`.
 */
export function chatTransport(opts: TransportOptions): Transport {
  const messages: Message[] = [{ role: 'system', content: opts.system }];
  const tools = opts.tools.map((t) => ({
    type: 'function' as const,
    function: { name: t.name, description: t.description, parameters: { ...t.parameters }, strict: true },
  }));
  const body = () => ({ model: opts.model, messages, ...(tools.length ? { tools } : {}) });
  return {
    addUser(text) {
      messages.push({ role: 'user', content: text });
    },
    async *next(signal) {
      if (!opts.stream) {
        const request = { ...body(), stream: false as const };
        opts.record?.({ type: 'request', body: request });
        const res = await opts.client.chat.completions.create(request, { signal });
        opts.record?.({ type: 'response', body: res });
        const message = res.choices?.[0]?.message;
        if (!message) throw new Error('the model server answered without a message (no choices)');
        // Sent back exactly as returned; the response type is wider than the request's in places.
        messages.push(message as Message);
        const text = message.content ?? '';
        if (text) yield text;
        // Some servers leave out `type`; a call with a `function` is a function call.
        const calls = (message.tool_calls ?? []).flatMap((c, i) => {
          const f = (c as { function?: { name?: string; arguments?: string } }).function;
          return f?.name ? [{ id: c.id || `call_${i}`, name: f.name, arguments: f.arguments ?? '' }] : [];
        });
        return { text, calls, ...usageOf(res.usage) };
      }
      const request = { ...body(), stream: true as const };
      opts.record?.({ type: 'request', body: request });
      const stream = await opts.client.chat.completions.create(request, { signal });
      let text = '';
      const calls: ToolCall[] = [];
      let usage: Usage | undefined;
      for await (const chunk of stream as AsyncIterable<Chunk>) {
        if (chunk.usage) usage = usageOf(chunk.usage).usage;
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          text += delta.content;
          yield delta.content;
        }
        (delta.tool_calls ?? []).forEach((d, position) => {
          const index = d.index ?? position;
          const call = calls[index] ?? { id: '', name: '', arguments: '' };
          calls[index] = call;
          if (d.id) call.id = d.id;
          if (d.function?.name && !call.name) call.name = d.function.name;
          if (d.function?.arguments) call.arguments += d.function.arguments;
        });
      }
      const made = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
      opts.record?.({ type: 'response', body: { streamed: true, text, calls: made, usage } });
      messages.push({
        role: 'assistant',
        content: text || null,
        ...(made.length
          ? {
              tool_calls: made.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      });
      return { text, calls: made, ...(usage ? { usage } : {}) } satisfies ModelTurn;
    },
    addToolResults(results) {
      for (const r of results) messages.push({ role: 'tool', tool_call_id: r.id, content: r.output });
    },
  };
}

function usageOf(u: OpenAI.Completions.CompletionUsage | null | undefined): { usage?: Usage } {
  if (!u) return {};
  return { usage: { inputTokens: u.prompt_tokens ?? 0, outputTokens: u.completion_tokens ?? 0 } };
}
