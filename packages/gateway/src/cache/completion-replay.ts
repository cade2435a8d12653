import type { ChatCompletion } from './chat-completion';

/** Characters per content chunk of a replayed stream: small enough to look like a stream. */
const REPLAY_CONTENT_CHUNK = 64;

/**
 * Turns a stored completion into the chunk objects of an equivalent stream: per choice a role
 * chunk, content chunks, tool-call chunks and a finish chunk; then a usage chunk when the client
 * asked for `stream_options.include_usage`. The caller writes `[DONE]` after them.
 */
export function buildReplayChunks(
  completion: ChatCompletion,
  options: { includeUsage: boolean },
): Record<string, unknown>[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint !== undefined
      ? { system_fingerprint: completion.system_fingerprint }
      : {}),
  };
  // With `include_usage` the API puts `"usage": null` on every chunk before the usage chunk.
  const usageField = options.includeUsage ? { usage: null } : {};
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    ...base,
    choices,
    ...usageField,
    ...extra,
  });
  const chunks: Record<string, unknown>[] = [];
  for (const choice of completion.choices) {
    const index = choice.index;
    const message = choice.message;
    chunks.push(
      chunk([
        {
          index,
          delta: { role: message.role ?? 'assistant', content: '', refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ]),
    );
    const content = message.content ?? '';
    for (let offset = 0; offset < content.length; offset += REPLAY_CONTENT_CHUNK) {
      chunks.push(
        chunk([
          {
            index,
            delta: { content: content.slice(offset, offset + REPLAY_CONTENT_CHUNK) },
            logprobs: null,
            finish_reason: null,
          },
        ]),
      );
    }
    if (message.refusal) {
      chunks.push(
        chunk([
          { index, delta: { refusal: message.refusal }, logprobs: null, finish_reason: null },
        ]),
      );
    }
    (message.tool_calls ?? []).forEach((call, callIndex) => {
      chunks.push(
        chunk([
          {
            index,
            delta: {
              tool_calls: [
                {
                  index: callIndex,
                  id: call.id,
                  type: call.type ?? 'function',
                  function: { name: call.function.name, arguments: call.function.arguments },
                },
              ],
            },
            logprobs: null,
            finish_reason: null,
          },
        ]),
      );
    });
    chunks.push(
      chunk([{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop' }]),
    );
  }
  if (options.includeUsage && completion.usage) {
    chunks.push(chunk([], { usage: completion.usage }));
  }
  return chunks;
}
