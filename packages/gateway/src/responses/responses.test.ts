import { describe, expect, it } from 'vitest';
import type { ResponseObject } from './response-object';
import { buildResponseReplayEvents, formatResponseReplay } from './response-replay';
import { ResponseStreamAssembler } from './response-stream-assembler';
import { analyzeResponsesRequest } from './responses-request';

const stored: ResponseObject = {
  id: 'resp_1',
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  model: 'gpt-4o-mini',
  output: [
    {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'x'.repeat(150), annotations: [] }],
    },
    {
      id: 'fc_1',
      type: 'function_call',
      status: 'completed',
      call_id: 'call_1',
      name: 'lookup',
      arguments: '{"q":"x"}',
    },
  ],
  usage: { input_tokens: 5, output_tokens: 40, total_tokens: 45 },
};

describe('Responses API replay and assembly', () => {
  it('replays a stored response as the event sequence that assembles back into it', () => {
    const events = buildResponseReplayEvents(stored);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]?.type).toBe('response.created');
    expect(events.at(-1)?.type).toBe('response.completed');
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.map((event) => event.delta).join('')).toBe('x'.repeat(150));
    expect(events.map((event) => event.type)).toContain('response.function_call_arguments.done');

    const assembler = new ResponseStreamAssembler();
    const wire = formatResponseReplay(events);
    for (const block of wire.split('\n\n').filter(Boolean)) {
      assembler.addEvent(block.split('\ndata: ')[1]!);
    }
    expect(assembler.done).toBe(true);
    expect(assembler.response).toEqual(stored);
  });

  it('never treats a stream with a failure event as complete', () => {
    for (const failure of ['response.failed', 'response.incomplete', 'error']) {
      const assembler = new ResponseStreamAssembler();
      assembler.addEvent(JSON.stringify({ type: failure, sequence_number: 0 }));
      assembler.addEvent(
        JSON.stringify({ type: 'response.completed', sequence_number: 1, response: stored }),
      );
      expect(assembler.done).toBe(false);
    }
    const incomplete = new ResponseStreamAssembler();
    incomplete.addEvent(
      JSON.stringify({ type: 'response.completed', response: { ...stored, status: 'incomplete' } }),
    );
    expect(incomplete.done).toBe(false);
  });
});

describe('analyzeResponsesRequest', () => {
  it('caches only stateless requests and names the reason otherwise', () => {
    const base = { model: 'gpt-4o-mini', input: 'Hi' };
    expect(analyzeResponsesRequest({ ...base, store: false }).statefulReason).toBeUndefined();
    expect(analyzeResponsesRequest(base).statefulReason).toBe('store');
    expect(
      analyzeResponsesRequest({ ...base, store: false, previous_response_id: 'resp_0' })
        .statefulReason,
    ).toBe('previous_response_id');
    expect(
      analyzeResponsesRequest({ ...base, store: false, background: true }).statefulReason,
    ).toBe('background');
    expect(
      analyzeResponsesRequest({ ...base, store: false, conversation: 'conv_1' }).statefulReason,
    ).toBe('conversation');
  });

  it('shares the L1 key between stream and JSON and takes the last user text for L2', () => {
    const json = analyzeResponsesRequest({
      model: 'm',
      store: false,
      input: [{ role: 'user', content: 'Hello' }],
    });
    const stream = analyzeResponsesRequest({
      model: 'm',
      store: false,
      stream: true,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
    });
    expect(json.semanticText).toBe('Hello');
    expect(stream.semanticText).toBe('Hello');
    expect(
      analyzeResponsesRequest({
        model: 'm',
        store: false,
        stream: true,
        input: [{ role: 'user', content: 'Hello' }],
      }).bodyHash,
    ).toBe(json.bodyHash);
    expect(
      analyzeResponsesRequest({ model: 'm', store: false, instructions: 'Be brief', input: 'x' })
        .systemText,
    ).toBe('Be brief');
  });

  it('refuses a body without model or input', () => {
    expect(() => analyzeResponsesRequest({ input: 'x' })).toThrow(/model/);
    expect(() => analyzeResponsesRequest({ model: 'm' })).toThrow(/input/);
  });
});
