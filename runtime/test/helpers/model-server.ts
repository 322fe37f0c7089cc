import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';

/** One recorded request: its path and its parsed JSON body. */
export interface ModelRequest {
  url: string;
  body: Record<string, unknown> & { messages?: Msg[]; input?: Msg[]; tools?: Msg[] };
}

// biome-ignore lint/suspicious/noExplicitAny: wire bodies are inspected loosely in tests.
type Msg = Record<string, any>;

/** A prepared reply: a JSON body (and headers), server-sent events (each `data:` a JSON chunk, then `[DONE]`), or no answer at all. */
export type ModelReply =
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | { sse: unknown[] }
  | 'hang';

/** Replies by position, or computed per request (may wait: to hold a request until another arrives). */
export type ModelScript =
  | ModelReply[]
  | ((req: ModelRequest, index: number) => ModelReply | Promise<ModelReply>);

/**
 * A scripted OpenAI-compatible server on 127.0.0.1, port 0: records every request body (in
 * arrival order) and answers the n-th request with `replies[n]` (a 500 when the script is
 * exhausted) or with what the function returns, and a real `openai` client pointed at it (no
 * retries, so a mistake shows at once).
 * @example const srv = await startModelServer([chatReply({ content: 'hi' })]); await srv.client.chat.completions.create(…)
 */
export async function startModelServer(replies: ModelScript) {
  const requests: ModelRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const request = { url: req.url ?? '', body };
      requests.push(request);
      const index = requests.length - 1;
      const reply = typeof replies === 'function' ? await replies(request, index) : replies[index];
      if (reply === 'hang') return;
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'the script has no more replies' } }));
      } else if ('json' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.json));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const chunk of reply.sse) {
          const type = (chunk as { type?: unknown }).type;
          const event = typeof type === 'string' && type.startsWith('response.') ? `event: ${type}\n` : '';
          res.write(`${event}data: ${JSON.stringify(chunk)}\n\n`);
        }
        res.end('data: [DONE]\n\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    requests,
    client: new OpenAI({ apiKey: 'sk-test', baseURL: url, maxRetries: 0 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ScriptedCall {
  id: string;
  name: string;
  arguments: unknown;
}

/** A Chat Completions reply: an assistant message with content and/or tool calls. */
export function chatReply(opts: { content?: string; calls?: ScriptedCall[] }): ModelReply {
  const message: Msg = { role: 'assistant', content: opts.content ?? null, refusal: null };
  if (opts.calls?.length) {
    message.tool_calls = opts.calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: JSON.stringify(c.arguments) },
    }));
  }
  return {
    json: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'test-model',
      choices: [{ index: 0, message, finish_reason: opts.calls?.length ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
  };
}

/** The same reply streamed: content in two deltas, each tool call's arguments split in two chunks. */
export function chatStream(opts: { content?: string; calls?: ScriptedCall[] }): ModelReply {
  const chunk = (delta: Msg, finish: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const sse: unknown[] = [chunk({ role: 'assistant', content: '' })];
  const text = opts.content ?? '';
  if (text) {
    const half = Math.ceil(text.length / 2);
    sse.push(chunk({ content: text.slice(0, half) }), chunk({ content: text.slice(half) }));
  }
  (opts.calls ?? []).forEach((c, index) => {
    const args = JSON.stringify(c.arguments);
    const half = Math.ceil(args.length / 2);
    sse.push(
      chunk({
        tool_calls: [
          { index, id: c.id, type: 'function', function: { name: c.name, arguments: args.slice(0, half) } },
        ],
      }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }),
    );
  });
  sse.push(chunk({}, opts.calls?.length ? 'tool_calls' : 'stop'));
  return { sse };
}

/** The output items of a Responses reply: a reasoning item, a message, function calls. */
export function responseOutput(opts: { text?: string; calls?: ScriptedCall[] }): Msg[] {
  const output: Msg[] = [{ type: 'reasoning', id: 'rs_1', summary: [] }];
  if (opts.text) {
    output.push({
      type: 'message',
      id: 'msg_1',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: opts.text, annotations: [] }],
    });
  }
  for (const c of opts.calls ?? []) {
    output.push({
      type: 'function_call',
      id: `fc_${c.id}`,
      call_id: c.id,
      name: c.name,
      arguments: JSON.stringify(c.arguments),
      status: 'completed',
    });
  }
  return output;
}

/** A Responses reply, deliberately without `"object": "response"` (as some servers send it). */
export function responsesReply(opts: { text?: string; calls?: ScriptedCall[] }): ModelReply {
  return {
    json: {
      id: 'resp_1',
      status: 'completed',
      model: 'test-model',
      output: responseOutput(opts),
      usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
    },
  };
}

/** The same reply streamed: text deltas, each item done, then `response.completed`. */
export function responsesStream(opts: { text?: string; calls?: ScriptedCall[] }): ModelReply {
  const output = responseOutput(opts);
  const sse: unknown[] = [{ type: 'response.created', response: { id: 'resp_1', output: [] } }];
  if (opts.text) {
    const half = Math.ceil(opts.text.length / 2);
    for (const delta of [opts.text.slice(0, half), opts.text.slice(half)]) {
      sse.push({
        type: 'response.output_text.delta',
        item_id: 'msg_1',
        output_index: 1,
        content_index: 0,
        delta,
      });
    }
  }
  output.forEach((item, output_index) => {
    sse.push({ type: 'response.output_item.done', output_index, item });
  });
  sse.push({
    type: 'response.completed',
    response: { id: 'resp_1', status: 'completed', output, usage: { input_tokens: 7, output_tokens: 3 } },
  });
  return { sse };
}
