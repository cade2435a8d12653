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
  countTokens: (answer) => countCompletionTokens(answer as ChatCompletion),
};
