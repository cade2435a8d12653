import { describe, expect, it } from 'vitest';
import { createSseParser, formatSseEvent } from '../wire/sse';
import type { ChatCompletion } from './chat-completion';
import { CompletionAssembler } from './completion-assembler';
import { buildReplayChunks } from './completion-replay';

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'x'.repeat(150) },
      finish_reason: 'stop',
    },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"a":1}' } },
          { id: 'call_b', type: 'function', function: { name: 'second', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 5, completion_tokens: 40, total_tokens: 45 },
};

describe('stream replay and assembly', () => {
  it('replays a stored completion as a stream that assembles back into the same completion', () => {
    const chunks = buildReplayChunks(completion, { includeUsage: true });
    const wire = chunks.map((chunk) => formatSseEvent(chunk)).join('') + formatSseEvent('[DONE]');
    // Cut the wire at awkward places, as TCP would.
    const parser = createSseParser();
    const assembler = new CompletionAssembler();
    for (let offset = 0; offset < wire.length; offset += 7) {
      for (const data of parser.push(wire.slice(offset, offset + 7))) assembler.addEvent(data);
    }
    expect(assembler.done).toBe(true);
    const assembled = assembler.toCompletion();
    expect(assembled.choices[0]?.message.content).toBe(completion.choices[0]?.message.content);
    expect(assembled.choices[1]?.message.tool_calls).toEqual(
      completion.choices[1]?.message.tool_calls,
    );
    expect(assembled.choices.map((choice) => choice.finish_reason)).toEqual(['stop', 'tool_calls']);
    expect(assembled.usage).toEqual(completion.usage);
    expect(assembled.id).toBe('chatcmpl-1');
    expect(assembled.system_fingerprint).toBe('fp_1');
  });

  it('adds the usage chunk only when the client asked for it', () => {
    const without = buildReplayChunks(completion, { includeUsage: false });
    expect(without.some((chunk) => 'usage' in chunk)).toBe(false);
    const withUsage = buildReplayChunks(completion, { includeUsage: true });
    expect(withUsage[withUsage.length - 1]).toMatchObject({ choices: [], usage: completion.usage });
  });

  it('assembles tool-call arguments streamed in pieces', () => {
    const assembler = new CompletionAssembler();
    const chunk = (delta: unknown, finish: string | null = null) =>
      JSON.stringify({
        id: 'c',
        model: 'm',
        created: 1,
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    assembler.addEvent(chunk({ role: 'assistant', content: null }));
    assembler.addEvent(
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      }),
    );
    assembler.addEvent(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }));
    assembler.addEvent(chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }));
    assembler.addEvent(chunk({}, 'tool_calls'));
    expect(assembler.done).toBe(false);
    assembler.addEvent('[DONE]');
    expect(assembler.toCompletion().choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"q":"x"}' } },
    ]);
  });

  it('calls a stream complete only with [DONE], a finish_reason on every choice and no error', () => {
    const chunk = (index: number, finish: string | null) =>
      JSON.stringify({
        id: 'c',
        choices: [{ index, delta: { content: 'x' }, finish_reason: finish }],
      });
    const whole = new CompletionAssembler();
    whole.addEvent(chunk(0, 'stop'));
    whole.addEvent(chunk(1, 'length'));
    whole.addEvent('[DONE]');
    expect(whole.complete).toBe(true);

    const unfinished = new CompletionAssembler();
    unfinished.addEvent(chunk(0, 'stop'));
    unfinished.addEvent(chunk(1, null));
    unfinished.addEvent('[DONE]');
    expect(unfinished.complete).toBe(false);

    const errorData = new CompletionAssembler();
    errorData.addEvent(chunk(0, 'stop'));
    errorData.addEvent(JSON.stringify({ error: { message: 'boom' } }));
    errorData.addEvent('[DONE]');
    expect(errorData.complete).toBe(false);

    const errorEvent = new CompletionAssembler();
    errorEvent.addEvent(chunk(0, 'stop'));
    errorEvent.addEvent('{"message":"boom"}', 'error');
    errorEvent.addEvent('[DONE]');
    expect(errorEvent.complete).toBe(false);
  });
});
