import { describe, expect, it } from 'vitest';
import { analyzeResponsesRequest } from '../responses/responses-request';
import { analyzeChatRequest } from './chat-request';
import { LastPrompt } from './last-prompt';

const DOCUMENT = `Document: ${'The quarterly report covers revenue, costs and outlook. '.repeat(80)}`;

describe('LastPrompt', () => {
  it('builds the body without the prompt only when the context key is read, and once', () => {
    let built = 0;
    const prompt = new LastPrompt('what time is it in Tokyo?', () => {
      built += 1;
      return { model: 'm', messages: [{ role: 'user', content: null }] };
    });
    expect(prompt.semanticText).toBe('what time is it in Tokyo?');
    expect(built).toBe(0);
    const key = prompt.contextKey;
    expect(prompt.contextKey).toBe(key);
    expect(built).toBe(1);
  });

  it('has neither text nor key when L2 does not apply', () => {
    const prompt = new LastPrompt(undefined, () => {
      throw new Error('never built');
    });
    expect(prompt.semanticText).toBeUndefined();
    expect(prompt.contextKey).toBeUndefined();
  });
});

describe('context keys of the two APIs', () => {
  it('stay what earlier versions computed, so L2 indexes kept in Redis are found after an upgrade', () => {
    const chat = analyzeChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    const responses = analyzeResponsesRequest({
      model: 'm',
      store: false,
      input: 'what time is it in Tokyo?',
    });
    expect(chat.contextKey).toBe(
      'bb81926e0b049b6347db4464e76f985c060ca6fa3e92fb7ccb955dd8fb9fc00c',
    );
    expect(responses.contextKey).toBe(
      'd98c18c0be9e880b07b4e50fc2ca0b5486a310abf47b6e1e04799c6a86594f92',
    );
  });

  it('keep the same question about two documents apart, and share it for two questions about one', () => {
    const ask = (document: string, question: string) =>
      analyzeChatRequest({
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'text', text: `${document}\n\n${question}` }] },
        ],
      }).contextKey;
    // The same length and opening, another middle: another document.
    const middle = DOCUMENT.length / 2;
    const otherDocument = `${DOCUMENT.slice(0, middle)}Headcount grew by a tenth. ${DOCUMENT.slice(middle + 27)}`;
    expect(ask(DOCUMENT, 'Question: what was the revenue?')).not.toBe(
      ask(otherDocument, 'Question: what was the revenue?'),
    );
    expect(ask(DOCUMENT, 'Question: what was the revenue?')).toBe(
      ask(DOCUMENT, 'Question: how large were the costs?'),
    );
  });
});
