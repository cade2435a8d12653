import { isCompletedResponse, type ResponseObject } from './response-object';

/** Events after which a streamed response is not a complete answer, whatever follows. */
const FAILURE_EVENTS = new Set(['response.failed', 'response.incomplete', 'error']);

/**
 * Follows a streamed Responses API answer and keeps the final response: the stream's own
 * `response.completed` event carries the whole response object. A stream is complete only when
 * that event arrived with a completed response and no failure event (`response.failed`,
 * `response.incomplete`, `error`) came before it.
 */
export class ResponseStreamAssembler {
  #completed: ResponseObject | undefined;
  #failed = false;

  /** Feeds the `data` of one SSE event, with its `event:` name when it had one. */
  addEvent(data: string, eventType?: string): void {
    if (eventType !== undefined && FAILURE_EVENTS.has(eventType)) this.#failed = true;
    let event: { type?: unknown; response?: unknown };
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof event?.type !== 'string') return;
    if (FAILURE_EVENTS.has(event.type)) this.#failed = true;
    else if (event.type === 'response.completed' && isCompletedResponse(event.response)) {
      this.#completed = event.response;
    }
  }

  /** Whether the stream ended as a complete answer that may be stored. */
  get done(): boolean {
    return this.#completed !== undefined && !this.#failed;
  }

  /** The final response, once {@link done}. */
  get response(): ResponseObject | undefined {
    return this.done ? this.#completed : undefined;
  }
}
