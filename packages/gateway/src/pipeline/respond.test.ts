import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStageServer } from '../../test/support/pipeline-test-context';
import type { ChatCompletion } from '../cache/chat-completion';
import { analyzeChatRequest } from '../cache/chat-request';
import type { FlightOutcome } from '../gateway-context';
import type { CacheEntry } from '../store/store';
import type { CacheHit } from './lookup';
import { hitStatus, respondWithHit, respondWithOutcome } from './respond';

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
};

const entry: CacheEntry = {
  key: 'ns:body',
  tenantId: 'acme',
  namespace: 'ns',
  model: 'gpt-4o-mini',
  body: JSON.stringify(completion),
  createdAt: 0,
  freshUntil: 1,
  expiresAt: 2,
  deps: [],
  totalTokens: 4,
};

describe('respond stage', () => {
  let server: Awaited<ReturnType<typeof startStageServer>>;
  // What the server answers, chosen per request by the `x-test-answer` header.
  const answers: Record<string, FlightOutcome | CacheHit> = {
    l2: {
      kind: 'hit',
      tier: 'l2',
      stale: false,
      entry,
      similarity: 0.934,
      ageSeconds: 7,
      debugHeaders: {},
    },
    stale: {
      kind: 'hit',
      tier: 'l1',
      stale: true,
      entry,
      similarity: 1,
      ageSeconds: 3700,
      debugHeaders: { 'x-cachecore-namespace-hint': 'abc' },
    },
    error: { kind: 'error', status: 429, headers: { 'retry-after': '3' }, body: '{"error":{}}' },
    aborted: { kind: 'aborted' },
  };

  beforeAll(async () => {
    server = await startStageServer(async (request, response) => {
      const stream = request.headers['x-test-stream'] === 'yes';
      const chat = analyzeChatRequest({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream,
        ...(request.headers['x-test-usage'] !== 'no' && {
          stream_options: { include_usage: true },
        }),
      });
      const answer = answers[String(request.headers['x-test-answer'])];
      if (!answer) throw new Error('unknown answer');
      if (answer.kind === 'hit') respondWithHit(response, chat, answer);
      else respondWithOutcome(response, chat, answer, { 'x-cache': 'MISS' });
    });
  });
  afterAll(() => server.close());

  const get = (answer: string, stream = false, usage = true) =>
    fetch(server.url, {
      headers: {
        'x-test-answer': answer,
        'x-test-stream': stream ? 'yes' : 'no',
        'x-test-usage': usage ? 'yes' : 'no',
      },
    });
  const replayChunks = async (response: Response) => {
    const events = (await response.text()).trim().split('\n\n');
    expect(events.at(-1)).toBe('data: [DONE]');
    return events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
  };

  it('answers an L2 hit as JSON with its status, similarity and age', async () => {
    const response = await get('l2');
    expect(response.headers.get('x-cache')).toBe('HIT_L2');
    expect(response.headers.get('x-cache-similarity')).toBe('0.9340');
    expect(response.headers.get('x-cache-age')).toBe('7');
    expect((await response.json()).choices[0].message.content).toBe('Hi there');
  });

  it('replays a stale hit as SSE with usage, debug headers and [DONE]', async () => {
    const response = await get('stale', true);
    expect(response.headers.get('x-cache')).toBe('HIT_L1_STALE');
    expect(response.headers.get('x-cachecore-namespace-hint')).toBe('abc');
    const events = (await response.text()).trim().split('\n\n');
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('Hi there');
    expect(chunks.at(-1).usage.total_tokens).toBe(4);
  });

  it('replays one stored answer with and without usage, as each request asks, again and again', async () => {
    for (let round = 0; round < 3; round++) {
      const withUsage = await replayChunks(await get('stale', true, true));
      expect(withUsage.at(-1).usage.total_tokens).toBe(4);
      expect(withUsage.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
      const without = await replayChunks(await get('stale', true, false));
      expect(without.some((chunk) => 'usage' in chunk)).toBe(false);
      expect(without.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(
        'Hi there',
      );
    }
  });

  it('relays an upstream error with its status and headers, and a cut-off answer as 502', async () => {
    const error = await get('error');
    expect(error.status).toBe(429);
    expect(error.headers.get('retry-after')).toBe('3');
    expect(error.headers.get('x-cache')).toBe('MISS');
    const aborted = await get('aborted');
    expect(aborted.status).toBe(502);
    expect((await aborted.json()).error.type).toBe('server_error');
  });

  it('names the X-Cache status of every kind of hit', () => {
    const hit = answers.l2 as CacheHit;
    expect(hitStatus(hit)).toBe('HIT_L2');
    expect(hitStatus({ ...hit, tier: 'l1' })).toBe('HIT_L1');
    expect(hitStatus({ ...hit, tier: 'l1', stale: true })).toBe('HIT_L1_STALE');
  });
});
