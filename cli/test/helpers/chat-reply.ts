/**
 * A scripted-server reply holding a Chat Completions body whose assistant message is `message`
 * (content null unless given): `{ tool_calls: [...] }` or `{ content: 'text' }`.
 * @example startScriptedServer(() => chatCompletion({ content: 'Done.' }))
 */
export function chatCompletion(message: Record<string, unknown>) {
  return {
    status: 200,
    body: {
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        { index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: 'stop' },
      ],
    },
  };
}
