import {
  countResponseTokens,
  isCompletedResponse,
  type ResponseObject,
} from '../responses/response-object';
import { buildResponseReplayEvents, formatResponseReplay } from '../responses/response-replay';
import { ResponseStreamAssembler } from '../responses/response-stream-assembler';
import type { CachedApi } from './cached-api';

/**
 * `POST /v1/responses` (stateless requests only): stored as completed `response` objects, replayed
 * as the Responses API's event sequence, which ends with `response.completed` (no `[DONE]`).
 */
export const RESPONSES_API: CachedApi = {
  name: 'responses',
  path: '/v1/responses',
  keyPrefix: 'responses:',
  readAnswer: (value) => (isCompletedResponse(value) ? value : undefined),
  invalidAnswerMessage: 'The upstream answered with something that is not a completed response.',
  createAssembler() {
    const assembler = new ResponseStreamAssembler();
    return {
      addEvent: (data, eventType) => assembler.addEvent(data, eventType),
      get complete() {
        return assembler.done;
      },
      result: () => assembler.response,
    };
  },
  formatReplay: (answer) =>
    formatResponseReplay(buildResponseReplayEvents(answer as ResponseObject)),
  replayVariant: () => '',
  countTokens: (answer) => countResponseTokens(answer as ResponseObject),
};
