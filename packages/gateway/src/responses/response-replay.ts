import type { ResponseObject, ResponseOutputItem } from './response-object';

/** Characters per text delta of a replayed stream: small enough to look like a stream. */
const REPLAY_DELTA_CHARACTERS = 64;

/** One event of a Responses API stream: its `type` (also the SSE `event:` name) and its data. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  [field: string]: unknown;
}

/**
 * Turns a stored, completed response into the event sequence the Responses API streams for it:
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * its content (`response.content_part.added`, `response.output_text.delta`…,
 * `response.output_text.done`, `response.content_part.done` for message text;
 * `response.function_call_arguments.delta` / `.done` for function calls),
 * `response.output_item.done`, and finally `response.completed` with the whole response. Numbered
 * with `sequence_number` from 0, as the API does.
 */
export function buildResponseReplayEvents(response: ResponseObject): ResponseStreamEvent[] {
  const events: ResponseStreamEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) =>
    events.push({ type, sequence_number: events.length, ...fields });
  const inProgress = { ...response, status: 'in_progress', output: [], usage: null };
  push('response.created', { response: inProgress });
  push('response.in_progress', { response: inProgress });
  response.output.forEach((item, outputIndex) => {
    push('response.output_item.added', { output_index: outputIndex, item: startedItem(item) });
    if (item.type === 'message' && Array.isArray(item.content)) {
      (item.content as Array<Record<string, unknown>>).forEach((part, contentIndex) => {
        const position = {
          item_id: item.id,
          output_index: outputIndex,
          content_index: contentIndex,
        };
        if (part.type !== 'output_text' || typeof part.text !== 'string') {
          push('response.content_part.added', { ...position, part });
          push('response.content_part.done', { ...position, part });
          return;
        }
        const text = (part as OutputTextPart).text;
        push('response.content_part.added', {
          ...position,
          part: { ...part, text: '', annotations: [] },
        });
        for (let offset = 0; offset < text.length; offset += REPLAY_DELTA_CHARACTERS) {
          push('response.output_text.delta', {
            ...position,
            delta: text.slice(offset, offset + REPLAY_DELTA_CHARACTERS),
            logprobs: [],
          });
        }
        push('response.output_text.done', { ...position, text, logprobs: [] });
        push('response.content_part.done', { ...position, part });
      });
    } else if (item.type === 'function_call' && typeof item.arguments === 'string') {
      const position = { item_id: item.id, output_index: outputIndex };
      if (item.arguments !== '') {
        push('response.function_call_arguments.delta', { ...position, delta: item.arguments });
      }
      push('response.function_call_arguments.done', { ...position, arguments: item.arguments });
    }
    push('response.output_item.done', { output_index: outputIndex, item });
  });
  push('response.completed', { response });
  return events;
}

/** An output item as `response.output_item.added` announces it: in progress, without content yet. */
function startedItem(item: ResponseOutputItem): ResponseOutputItem {
  const started: ResponseOutputItem = { ...item };
  if ('status' in item) started.status = 'in_progress';
  if (item.type === 'message') started.content = [];
  if (item.type === 'function_call') started.arguments = '';
  return started;
}

/** The SSE text of a replay: `event: <type>` and `data: <json>` per event, as the API sends. */
export function formatResponseReplay(events: readonly ResponseStreamEvent[]): string {
  let payload = '';
  for (const event of events) payload += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  return payload;
}
