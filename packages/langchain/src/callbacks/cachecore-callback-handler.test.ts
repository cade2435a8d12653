import { randomUUID } from 'node:crypto';
import {
  createFreshTenantToken,
  uniquePrompt,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { beforeAll, describe, expect, it } from 'vitest';
import { CachecoreChatOpenAI } from '../chat-model/cachecore-chat-openai';
import { CachecoreCallbackHandler, type CacheStatusEvent } from './cachecore-callback-handler';

const gateway = useTestGateway();
let tenantJwt: string;
let llm: CachecoreChatOpenAI;

beforeAll(async () => {
  tenantJwt = await createFreshTenantToken();
  llm = new CachecoreChatOpenAI({ gatewayUrl: gateway.url, tenantJwt, model: 'gpt-4o-mini' });
  gateway.closeAfterAll(llm.cachecore);
});

async function drain(stream: AsyncIterable<AIMessageChunk>): Promise<void> {
  for await (const _chunk of stream) {
    // Consuming the stream is what sends the request.
  }
}

describe('CachecoreCallbackHandler', () => {
  it('counts every cache outcome of a known sequence of calls', async () => {
    const events: CacheStatusEvent[] = [];
    const handler = new CachecoreCallbackHandler({ onCacheStatus: (event) => events.push(event) });
    const callbacks = [handler];
    const prompt = uniquePrompt('What time zone is Tokyo in?');

    await llm.invoke(prompt, { callbacks }); // MISS
    await llm.invoke(prompt, { callbacks }); // HIT_L1
    await drain(await llm.stream(prompt, { callbacks })); // HIT_L1
    await llm.invoke(prompt.replace('What', 'what').replace('?', ''), { callbacks }); // HIT_L2
    await llm.invoke(prompt, { callbacks, cachecore: { bypass: true } }); // BYPASS
    await llm.batch([uniquePrompt('first'), uniquePrompt('second')], { callbacks }); // 2 × MISS

    expect(events.map((event) => event.status.status)).toEqual([
      'MISS',
      'HIT_L1',
      'HIT_L1',
      'HIT_L2',
      'BYPASS',
      'MISS',
      'MISS',
    ]);
    expect(handler.stats).toEqual({
      requests: 7,
      hitsL1: 2,
      hitsL1Stale: 0,
      hitsL2: 1,
      misses: 3,
      bypass: 1,
      hitRate: 3 / 7,
    });

    handler.resetStats();
    expect(handler.stats).toMatchObject({ requests: 0, misses: 0, hitRate: 0 });
  });

  it('attributes each status to its own run when calls overlap', async () => {
    const events: CacheStatusEvent[] = [];
    const handler = new CachecoreCallbackHandler({ onCacheStatus: (event) => events.push(event) });
    const cached = uniquePrompt('cached question');
    await llm.invoke(cached);

    const runs = [
      { runId: randomUUID(), prompt: cached, expected: 'HIT_L1' },
      { runId: randomUUID(), prompt: uniquePrompt('fresh question'), expected: 'MISS' },
      { runId: randomUUID(), prompt: cached, expected: 'BYPASS', bypass: true },
    ];
    await Promise.all(
      runs.map(({ runId, prompt, bypass }) =>
        llm.invoke(prompt, { runId, callbacks: [handler], cachecore: { bypass } }),
      ),
    );

    for (const { runId, expected } of runs) {
      expect(events.find((event) => event.runId === runId)?.status.status).toBe(expected);
    }
    expect(handler.stats).toMatchObject({ requests: 3, hitsL1: 1, misses: 1, bypass: 1 });
  });

  it('reports the parent run, tags and metadata of a model call inside a chain', async () => {
    const events: CacheStatusEvent[] = [];
    const handler = new CachecoreCallbackHandler({ onCacheStatus: (event) => events.push(event) });
    const chain = ChatPromptTemplate.fromMessages([['human', '{question}']]).pipe(llm);
    const chainRunId = randomUUID();

    await chain.invoke(
      { question: uniquePrompt('Which sea borders Croatia?') },
      { runId: chainRunId, callbacks: [handler], tags: ['faq'], metadata: { tenant: 'acme' } },
    );

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      parentRunId: chainRunId,
      tags: expect.arrayContaining(['faq']),
      metadata: expect.objectContaining({ tenant: 'acme', ls_model_name: 'gpt-4o-mini' }),
    });
    expect(events[0]?.runId).not.toBe(chainRunId);
  });

  it('also counts when LangChain runs it in the background', async () => {
    const handler = new CachecoreCallbackHandler({ awaitHandlers: false });
    await llm.invoke(uniquePrompt('background'), { callbacks: [handler] });
    await awaitAllCallbacks();
    expect(handler.stats).toMatchObject({ requests: 1, misses: 1 });
  });

  it('ignores models that report no cache status', async () => {
    const handler = new CachecoreCallbackHandler();
    await handler.handleLLMEnd({ generations: [[{ text: 'plain model' }]] }, randomUUID());
    expect(handler.stats.requests).toBe(0);
  });
});
