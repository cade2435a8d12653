import { CachecoreClient, Dep } from '@cachecore/core';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { describe, expectTypeOf, it } from 'vitest';
import { CachecoreChatOpenAI } from './cachecore-chat-openai';
import type { CachecoreChatOpenAIFields } from './cachecore-chat-openai-fields';

const gateway = { gatewayUrl: 'http://127.0.0.1:8080', tenantJwt: 'a.b.c' };

describe('CachecoreChatOpenAI types', () => {
  it('takes the gateway settings or a client, never both', () => {
    const cachecore = new CachecoreClient({
      gatewayUrl: 'http://127.0.0.1:8080',
      tenantJwt: 'a.b.c',
    });
    expectTypeOf({
      gatewayUrl: 'http://127.0.0.1:8080',
      tenantJwt: 'a.b.c',
      model: 'gpt-4o-mini',
    }).toExtend<CachecoreChatOpenAIFields>();
    expectTypeOf({ cachecore, temperature: 0 }).toExtend<CachecoreChatOpenAIFields>();
    expectTypeOf({
      cachecore,
      gatewayUrl: 'http://127.0.0.1:8080',
      tenantJwt: 'a.b.c',
    }).not.toExtend<CachecoreChatOpenAIFields>();
    // Left out, the gateway settings come from CACHECORE_GATEWAY_URL / CACHECORE_TENANT_JWT.
    expectTypeOf({ model: 'gpt-4o-mini' }).toExtend<CachecoreChatOpenAIFields>();
    const construct = () =>
      // @ts-expect-error the model always uses Chat Completions
      new CachecoreChatOpenAI({ cachecore, useResponsesApi: true });
    expectTypeOf(construct).returns.toEqualTypeOf<CachecoreChatOpenAI>();
  });

  it('types the cachecore call option on the model and on derived models', () => {
    const llm = new CachecoreChatOpenAI({
      gatewayUrl: 'http://127.0.0.1:8080',
      tenantJwt: 'a.b.c',
    });
    expectTypeOf(llm.cachecore).toEqualTypeOf<CachecoreClient>();
    expectTypeOf(
      llm.invoke('hi', { cachecore: { deps: [new Dep('doc:1'), 'doc:2'], bypass: false } }),
    ).resolves.toEqualTypeOf<AIMessageChunk>();
    // @ts-expect-error bypass is a boolean
    llm.invoke('hi', { cachecore: { bypass: 'yes' } });
    llm.bindTools([]).invoke('hi', { cachecore: { deps: ['doc:1'] } });
    llm.withConfig({ cachecore: { bypass: true } });
  });

  it('types the cachecore option on the config of chains', () => {
    const llm = new CachecoreChatOpenAI({ cachecore: new CachecoreClient(gateway) });
    const chain = ChatPromptTemplate.fromTemplate('Answer: {question}').pipe(llm);
    expectTypeOf(
      chain.invoke({ question: 'q' }, { cachecore: { deps: ['doc:policy-42'], bypass: false } }),
    ).resolves.toEqualTypeOf<AIMessageChunk>();
    void chain.batch([{ question: 'q' }], { cachecore: { deps: [new Dep('doc:1')] } });
    // @ts-expect-error bypass is a boolean
    void chain.invoke({ question: 'q' }, { cachecore: { bypass: 'yes' } });
    // @ts-expect-error deps is a list
    void chain.invoke({ question: 'q' }, { cachecore: { deps: 'doc:1' } });
  });
});
