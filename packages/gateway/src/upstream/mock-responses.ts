import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SSE_HEADERS } from '../wire/sse';

/** The parts of a Responses API request body the mock reads. */
export interface MockResponsesBody {
  model?: unknown;
  input?: unknown;
  instructions?: unknown;
  stream?: unknown;
  store?: unknown;
  previous_response_id?: unknown;
  [field: string]: unknown;
}

/**
 * Answers `POST /v1/responses` the way the OpenAI Responses API does, echoing the last user input
 * (`Echo: <text>`): a `response` object, or for `stream: true` the event sequence
 * `response.created` → `response.in_progress` → `response.output_item.added` →
 * `response.content_part.added` → `response.output_text.delta`… → `response.output_text.done` →
 * `response.content_part.done` → `response.output_item.done` → `response.completed`.
 */
export async function answerResponses(
  body: MockResponsesBody,
  response: ServerResponse,
  write: { json: (status: number, value: unknown) => void; delay: (ms: number) => Promise<void> },
): Promise<void> {
  const text = `Echo: ${lastUserText(body.input)}`;
  const inputTokens = estimate(
    `${typeof body.instructions === 'string' ? body.instructions : ''} ${JSON.stringify(body.input ?? '')}`,
  );
  const outputTokens = estimate(text);
  const id = `resp_mock_${randomUUID().replace(/-/g, '')}`;
  const messageId = `msg_mock_${randomUUID().replace(/-/g, '')}`;
  const completedMessage = {
    id: messageId,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
  const base = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: typeof body.model === 'string' ? body.model : 'mock-model',
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    metadata: {},
    parallel_tool_calls: true,
    previous_response_id:
      typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    store: body.store !== false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
  };
  const completed = {
    ...base,
    status: 'completed',
    output: [completedMessage],
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  };
  if (body.stream !== true) {
    write.json(200, completed);
    return;
  }

  response.writeHead(200, SSE_HEADERS);
  let sequence = 0;
  const send = (type: string, fields: Record<string, unknown>) =>
    response.write(
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`,
    );
  const inProgress = { ...base, status: 'in_progress', output: [], usage: null };
  send('response.created', { response: inProgress });
  send('response.in_progress', { response: inProgress });
  const item = { id: messageId, output_index: 0 };
  send('response.output_item.added', {
    output_index: 0,
    item: { ...completedMessage, status: 'in_progress', content: [] },
  });
  const part = { item_id: messageId, output_index: 0, content_index: 0 };
  send('response.content_part.added', {
    ...part,
    part: { type: 'output_text', text: '', annotations: [] },
  });
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
    if (response.destroyed) return;
    send('response.output_text.delta', { ...part, delta: piece, logprobs: [] });
    await write.delay(1);
  }
  send('response.output_text.done', { ...part, text, logprobs: [] });
  send('response.content_part.done', {
    ...part,
    part: { type: 'output_text', text, annotations: [] },
  });
  send('response.output_item.done', { output_index: item.output_index, item: completedMessage });
  send('response.completed', { response: completed });
  response.end();
}

/** The text of the last user input: a string input, or the last user message's text parts. */
function lastUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  for (let index = input.length - 1; index >= 0; index--) {
    const item = input[index] as { role?: unknown; content?: unknown } | null;
    if (item?.role !== 'user') continue;
    if (typeof item.content === 'string') return item.content;
    if (Array.isArray(item.content)) {
      return item.content
        .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
        .join('');
    }
  }
  return '';
}

function estimate(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
