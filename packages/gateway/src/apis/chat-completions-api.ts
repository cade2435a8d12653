import {
  type ChatCompletion,
  countCompletionTokens,
  isChatCompletion,
} from '../cache/chat-completion';
import { CompletionAssembler } from '../cache/completion-assembler';
import { buildReplayChunks } from '../cache/completion-replay';
import { formatSseEvent } from '../wire/sse';
import type { CachedAnswer, CachedApi } from './cached-api';

/** `POST /v1/chat/completions`: stored as `chat.completion` objects, replayed as chunks + `[DONE]`. */
export const CHAT_COMPLETIONS_API: CachedApi = {
  name: 'chat.completions',
  path: '/v1/chat/completions',
  keyPrefix: '',
  readAnswer: (value) => (isChatCompletion(value) ? (value as CachedAnswer) : undefined),
  invalidAnswerMessage: 'The upstream answered with something that is not a chat completion.',
  createAssembler() {
    const assembler = new CompletionAssembler();
    return {
      addEvent: (data, eventType) => {
        assembler.addEvent(data, eventType);
      },
      get complete() {
        return assembler.complete;
      },
      result: () => assembler.toCompletion() as unknown as CachedAnswer,
    };
  },
  formatReplay(answer, request) {
    const chunks = buildReplayChunks(answer as ChatCompletion, {
      includeUsage: request.includeUsage,
    });
    let payload = '';
    for (const chunk of chunks) payload += formatSseEvent(chunk);
    return payload + formatSseEvent('[DONE]');
  },
  replayVariant: (request) => (request.includeUsage ? 'usage' : 'plain'),
  countTokens: (answer) => countCompletionTokens(answer as ChatCompletion),
  // Every stream is asked for its usage, so an entry first filled by a stream without
  // `include_usage` still answers later JSON requests and `include_usage` streams with one.
  upstreamBody(request) {
    if (!request.stream || request.includeUsage) return undefined;
    const options = request.body.stream_options;
    return JSON.stringify({
      ...request.body,
      stream_options: { ...(typeof options === 'object' ? options : {}), include_usage: true },
    });
  },
  // ... and a client that did not ask for usage gets the stream it asked for: no usage chunk, no
  // `"usage": null` on the others.
  clientEventFilter(request) {
    if (!request.stream || request.includeUsage) return undefined;
    return (data) => {
      if (!data.includes('"usage"')) return data;
      let chunk: { usage?: unknown; choices?: unknown[] };
      try {
        chunk = JSON.parse(data);
      } catch {
        return data;
      }
      if (typeof chunk !== 'object' || chunk === null || !('usage' in chunk)) return data;
      if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return undefined;
      const { usage: _usage, ...rest } = chunk;
      return JSON.stringify(rest);
    };
  },
};
