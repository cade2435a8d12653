import { randomUUID } from 'node:crypto';
import { CachecoreError, type CacheStatus, Dep, encodeDepsHeader } from '@cachecore/core';
import {
  type AskWithDirectives,
  clearGatewayEnvironment,
  createFreshTenantToken,
  expectCacheDirectivesHonoured,
  lastUserText,
  setGatewayEnvironment,
  uniquePrompt,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { ToolMessage } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { concat } from '@langchain/core/utils/stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CachecoreChatOpenAI } from './cachecore-chat-openai';

const gateway = useTestGateway({ recordRequests: true });
let tenantJwt: string;
let llm: CachecoreChatOpenAI;

beforeAll(async () => {
  tenantJwt = await createFreshTenantToken();
  llm = new CachecoreChatOpenAI({ gatewayUrl: gateway.url, tenantJwt, model: 'gpt-4o-mini' });
  gateway.closeAfterAll(llm.cachecore);
});

function newDep(): string {
  return `doc:${randomUUID()}`;
}

function statusOf(message: { response_metadata: Record<string, unknown> }): string | undefined {
  return (message.response_metadata.cachecore as { status?: string } | undefined)?.status;
}

/** A header the gateway received on the request whose last message is `text`. */
function sentHeader(text: string, name: string): string | undefined {
  const request = gateway.requests.find((recorded) => lastUserText(recorded) === text);
  if (request === undefined) throw new Error(`no request reached the gateway for "${text}"`);
  return request.headers[name] as string | undefined;
}

/** The deps header the gateway received for the request whose last message is `text`. */
function depsHeaderFor(text: string): string | undefined {
  return sentHeader(text, 'x-cachecore-deps');
}

async function streamToMessage(
  stream: AsyncIterable<AIMessageChunk>,
): Promise<{ chunks: AIMessageChunk[]; message: AIMessageChunk }> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const message = chunks.reduce((full, chunk) => concat(full, chunk));
  return { chunks, message };
}

describe('CachecoreChatOpenAI cache lifecycle', () => {
  it('reports MISS, HIT_L1, HIT_L2, then MISS after invalidation on invoke()', async () => {
    const dep = newDep();
    const prompt = uniquePrompt('What time zone is Tokyo in?');
    const call = (text: string) => llm.invoke(text, { cachecore: { deps: [dep] } });

    const first = await call(prompt);
    expect(first.content).toBe(`Echo: ${prompt}`);
    expect(statusOf(first)).toBe('MISS');

    const second = await call(prompt);
    expect(second.content).toBe(`Echo: ${prompt}`);
    expect(statusOf(second)).toBe('HIT_L1');

    const nearDuplicate = await call(prompt.replace('What', 'what').replace('?', ''));
    expect(nearDuplicate.content).toBe(`Echo: ${prompt}`);
    const status = nearDuplicate.response_metadata.cachecore as CacheStatus;
    expect(status).toMatchObject({ status: 'HIT_L2', isHit: true });
    expect(status.similarity).toBeGreaterThan(0.8);

    await llm.cachecore.invalidate(dep);
    expect(statusOf(await call(prompt))).toBe('MISS');
  });

  it('reports MISS, HIT_L1, HIT_L2, then MISS after invalidation on stream()', async () => {
    const dep = newDep();
    const prompt = uniquePrompt('What time zone is Lisbon in?');
    const call = async (text: string) =>
      streamToMessage(await llm.stream(text, { cachecore: { deps: [dep] } }));

    const first = await call(prompt);
    expect(first.message.content).toBe(`Echo: ${prompt}`);
    expect(statusOf(first.message)).toBe('MISS');
    // The status is on the first chunk, so it is known before any text, and only there, so
    // concatenating chunks does not garble it.
    expect(statusOf(first.chunks[0] as AIMessageChunk)).toBe('MISS');
    expect(first.chunks.filter((chunk) => chunk.response_metadata.cachecore)).toHaveLength(1);

    const second = await call(prompt);
    expect(second.message.content).toBe(`Echo: ${prompt}`);
    expect(statusOf(second.message)).toBe('HIT_L1');

    const nearDuplicate = await call(prompt.replace('What', 'what').replace('?', ''));
    expect(statusOf(nearDuplicate.message)).toBe('HIT_L2');

    await llm.cachecore.invalidate(dep);
    expect(statusOf((await call(prompt)).message)).toBe('MISS');
  });

  it('caches a prompt-template chain with deps from a requestContext scope', async () => {
    const dep = newDep();
    const question = uniquePrompt('Which river runs through Vienna?');
    const chain = ChatPromptTemplate.fromMessages([
      ['system', 'You answer questions about {topic}.'],
      ['human', '{question}'],
    ]).pipe(llm);
    const run = () =>
      llm.cachecore.requestContext({ deps: [new Dep(dep)] }, () =>
        chain.invoke({ topic: 'geography', question }),
      );

    const first = await run();
    expect(first.content).toBe(`Echo: ${question}`);
    expect(statusOf(first)).toBe('MISS');
    expect(depsHeaderFor(question)).toBe(encodeDepsHeader([dep]));
    expect(statusOf(await run())).toBe('HIT_L1');

    await llm.cachecore.invalidate(dep);
    expect(statusOf(await run())).toBe('MISS');
  });

  it('takes the cachecore option from the config of a chain', async () => {
    const dep = newDep();
    const question = uniquePrompt('Which river runs through Budapest?');
    const chain = ChatPromptTemplate.fromTemplate('{question}').pipe(llm);
    const run = () => chain.invoke({ question }, { cachecore: { deps: [dep] } });

    expect(statusOf(await run())).toBe('MISS');
    expect(depsHeaderFor(question)).toBe(encodeDepsHeader([dep]));
    expect(statusOf(await run())).toBe('HIT_L1');
    await llm.cachecore.invalidate(dep);
    expect(statusOf(await run())).toBe('MISS');
  });

  it('answers a bound tool call and the tool result, and caches both', async () => {
    const weather = tool(async ({ city }) => `Sunny in ${city}`, {
      name: 'get_weather',
      description: 'The current weather in a city',
      schema: z.object({ city: z.string() }),
    });
    const withTools = llm.bindTools([weather]);
    expect(withTools).toBeInstanceOf(CachecoreChatOpenAI);

    const dep = newDep();
    const question = uniquePrompt('Paris');
    const call = await withTools.invoke(question, { cachecore: { deps: [dep] } });
    expect(call.tool_calls?.[0]).toMatchObject({ name: 'get_weather', args: { city: question } });
    expect(statusOf(call)).toBe('MISS');
    expect(depsHeaderFor(question)).toBe(encodeDepsHeader([dep]));
    const replayed = await withTools.invoke(question, { cachecore: { deps: [dep] } });
    expect(replayed.tool_calls?.[0]).toMatchObject({
      name: 'get_weather',
      args: { city: question },
    });
    expect(statusOf(replayed)).toBe('HIT_L1');

    const toolCall = call.tool_calls?.[0];
    if (!toolCall?.id) throw new Error('expected a tool call with an id');
    const result = await weather.invoke(toolCall);
    expect(result).toBeInstanceOf(ToolMessage);
    const answer = await withTools.invoke([['human', question], call, result]);
    expect(answer.content).toBe(`Echo: Sunny in ${question}`);
    expect(statusOf(answer)).toBe('MISS');
  });

  it('caches withStructuredOutput() through function calling', async () => {
    const structured = llm.withStructuredOutput(z.object({ answer: z.string() }), {
      name: 'reply',
      method: 'functionCalling',
      includeRaw: true,
    });
    const question = uniquePrompt('Name a prime number');

    const first = await structured.invoke(question);
    expect(first.parsed).toEqual({ answer: question });
    expect(statusOf(first.raw as AIMessageChunk)).toBe('MISS');
    const second = await structured.invoke(question);
    expect(second.parsed).toEqual({ answer: question });
    expect(statusOf(second.raw as AIMessageChunk)).toBe('HIT_L1');
  });

  it('sends withStructuredOutput() json_schema requests as cached Chat Completions', async () => {
    // The mock upstream answers "Echo: …", which is not JSON, so parsing fails after the request
    // (and LangChain would retry a parse failure six times).
    const strict = new CachecoreChatOpenAI({
      cachecore: llm.cachecore,
      model: 'gpt-4o-mini',
      maxRetries: 0,
    });
    const structured = strict.withStructuredOutput(z.object({ answer: z.string() }), {
      name: 'reply',
    });
    const question = uniquePrompt('Name a colour');
    await expect(structured.invoke(question)).rejects.toThrow();
    await expect(structured.invoke(question)).rejects.toThrow();

    const sent = gateway.requests.filter((request) => lastUserText(request) === question);
    expect(sent.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
    ]);
    expect(JSON.parse(sent[0]?.body ?? '{}').response_format).toMatchObject({
      type: 'json_schema',
    });
    expect(sent.map((request) => request.cacheStatus)).toEqual(['MISS', 'HIT_L1']);
  });
});

type Method = 'invoke' | 'batch' | 'stream' | 'streamEvents v2' | 'streamEvents';

// Runs one call with the given method and returns the message it produced.
async function callWith(
  method: Method,
  model: CachecoreChatOpenAI,
  prompt: string,
  options: { cachecore?: { deps?: string[]; bypass?: boolean } } = {},
): Promise<BaseMessage> {
  switch (method) {
    case 'invoke':
      return model.invoke(prompt, options);
    case 'batch': {
      const [message] = await model.batch([prompt], options);
      if (!message) throw new Error('batch returned nothing');
      return message;
    }
    case 'stream':
      return (await streamToMessage(await model.stream(prompt, options))).message;
    case 'streamEvents v2': {
      let output: AIMessageChunk | undefined;
      for await (const event of model.streamEvents(prompt, { ...options, version: 'v2' })) {
        if (event.event === 'on_chat_model_end') output = event.data.output as AIMessageChunk;
      }
      if (!output) throw new Error('no on_chat_model_end event');
      return output;
    }
    case 'streamEvents':
      return await model.streamEvents(prompt, options);
  }
}

const methods: Method[] = ['invoke', 'batch', 'stream', 'streamEvents v2', 'streamEvents'];

describe.each(methods)('deps and bypass with %s', (method) => {
  it('sends the scope deps and reports the status', async () => {
    const dep = newDep();
    const prompt = uniquePrompt(`scope deps via ${method}`);
    const run = () =>
      llm.cachecore.requestContext({ deps: [dep] }, () => callWith(method, llm, prompt));

    const first = await run();
    expect(first.text).toBe(`Echo: ${prompt}`);
    expect(statusOf(first)).toBe('MISS');
    expect(depsHeaderFor(prompt)).toBe(encodeDepsHeader([dep]));
    expect(statusOf(await run())).toBe('HIT_L1');
  });

  it('lets the cachecore call option win over the scope', async () => {
    const scopeDep = newDep();
    const callDep = newDep();
    const prompt = uniquePrompt(`call option deps via ${method}`);
    const run = () =>
      llm.cachecore.requestContext({ deps: [scopeDep] }, () =>
        callWith(method, llm, prompt, { cachecore: { deps: [callDep] } }),
      );

    expect(statusOf(await run())).toBe('MISS');
    expect(depsHeaderFor(prompt)).toBe(encodeDepsHeader([callDep]));
    await llm.cachecore.invalidate(scopeDep);
    expect(statusOf(await run())).toBe('HIT_L1');
    await llm.cachecore.invalidate(callDep);
    expect(statusOf(await run())).toBe('MISS');
  });

  it('bypasses the cache for one call inside a cached scope', async () => {
    const prompt = uniquePrompt(`bypass via ${method}`);
    await llm.cachecore.requestContext({ deps: [newDep()] }, async () => {
      expect(statusOf(await callWith(method, llm, prompt, { cachecore: { bypass: true } }))).toBe(
        'BYPASS',
      );
      expect(statusOf(await callWith(method, llm, prompt))).toBe('MISS');
    });
    const sent = gateway.requests.filter((request) => lastUserText(request) === prompt);
    expect(sent.map((request) => request.headers['x-cachecore-token'] !== undefined)).toEqual([
      false,
      true,
    ]);
  });
});

describe('CachecoreChatOpenAI cache directives', () => {
  it('sends the cacheControl call option as Cache-Control on invoke() and stream()', async () => {
    const invoked = uniquePrompt('Directives on invoke');
    await llm.invoke(invoked, { cachecore: { cacheControl: { noStore: true, ttlSeconds: 600 } } });
    expect(sentHeader(invoked, 'cache-control')).toBe('no-store, cachecore-ttl=600');

    const streamed = uniquePrompt('Directives on stream');
    await streamToMessage(
      await llm.stream(streamed, { cachecore: { cacheControl: { noCache: true } } }),
    );
    expect(sentHeader(streamed, 'cache-control')).toBe('no-cache');
  });

  it('takes the directives of a scope, which the call option replaces as a whole', async () => {
    const scoped = uniquePrompt('Directives of the scope');
    const replaced = uniquePrompt('Directives of the call');
    const cleared = uniquePrompt('No directives');
    await llm.cachecore.requestContext({ cacheControl: { maxAgeSeconds: 60 } }, async () => {
      await llm.invoke(scoped);
      await llm.invoke(replaced, { cachecore: { cacheControl: { ttlSeconds: 30 } } });
      await llm.invoke(cleared, { cachecore: { cacheControl: {} } });
    });
    expect(sentHeader(scoped, 'cache-control')).toBe('max-age=60');
    expect(sentHeader(replaced, 'cache-control')).toBe('cachecore-ttl=30');
    expect(sentHeader(cleared, 'cache-control')).toBeUndefined();
  });

  it('lets the gateway answer without keeping the answer (noStore) and refresh an entry (noCache)', async () => {
    const prompt = uniquePrompt('Keep or refresh');
    const ask: AskWithDirectives = async (cacheControl) =>
      statusOf(await llm.invoke(prompt, { cachecore: { cacheControl } }));
    await expectCacheDirectivesHonoured(ask, gateway.mockUpstream);
  });

  it('rejects malformed directives before any request', async () => {
    const before = gateway.requests.length;
    await expect(
      llm.invoke(uniquePrompt('Bad directives'), {
        cachecore: { cacheControl: { ttlSeconds: 0 } },
      }),
    ).rejects.toThrow(CachecoreError);
    expect(gateway.requests.length).toBe(before);
  });
});

describe('CachecoreChatOpenAI under concurrency', () => {
  it.each(['invoke', 'stream'] as const)(
    'keeps each scoped %s call’s deps with maxConcurrency: 1',
    async (method) => {
      const queued = new CachecoreChatOpenAI({
        cachecore: llm.cachecore,
        model: 'gpt-4o-mini',
        maxConcurrency: 1,
      });
      const calls = [[newDep()], [newDep()], [newDep()], []].map((deps, index) => ({
        deps,
        prompt: uniquePrompt(`queued ${method} ${index}`),
      }));

      await Promise.all(
        calls.map(({ deps, prompt }) => {
          const run = () => callWith(method, queued, prompt);
          return deps.length > 0 ? queued.cachecore.requestContext({ deps }, run) : run();
        }),
      );

      for (const { deps, prompt } of calls) {
        // A call without deps says so explicitly (the encoded empty list), so no scope can add any.
        expect(depsHeaderFor(prompt)).toBe(encodeDepsHeader(deps));
      }
    },
  );

  it('keeps 20 parallel scoped calls apart', async () => {
    const calls = Array.from({ length: 20 }, (_, index) => ({
      deps: [newDep()],
      prompt: uniquePrompt(`parallel ${index}`),
    }));
    const messages = await Promise.all(
      calls.map(({ deps, prompt }) =>
        llm.cachecore.requestContext({ deps }, () => llm.invoke(prompt)),
      ),
    );
    calls.forEach(({ deps, prompt }, index) => {
      expect(messages[index]?.content).toBe(`Echo: ${prompt}`);
      expect(depsHeaderFor(prompt)).toBe(encodeDepsHeader(deps));
    });
  });
});

describe('CachecoreChatOpenAI configuration', () => {
  it('keeps the subclass and the default call options through withConfig()', async () => {
    const dep = newDep();
    const configured = llm.withConfig({ cachecore: { deps: [dep] } });
    expect(configured).toBeInstanceOf(CachecoreChatOpenAI);
    expect((configured as CachecoreChatOpenAI).cachecore).toBe(llm.cachecore);

    for (const method of methods) {
      const prompt = uniquePrompt(`configured deps via ${method}`);
      expect(statusOf(await callWith(method, configured as CachecoreChatOpenAI, prompt))).toBe(
        'MISS',
      );
      expect(depsHeaderFor(prompt)).toBe(encodeDepsHeader([dep]));
    }
  });

  it('uses Chat Completions even for models ChatOpenAI sends to the Responses API', async () => {
    const codex = new CachecoreChatOpenAI({ cachecore: llm.cachecore, model: 'gpt-5.6-codex' });
    const prompt = uniquePrompt('responses-preferring model');
    const message = await codex.invoke(prompt);
    expect(message.content).toBe(`Echo: ${prompt}`);
    const sent = gateway.requests.filter((request) => lastUserText(request) === prompt);
    expect(sent.map((request) => request.path)).toEqual(['/v1/chat/completions']);
  });

  it('refuses built-in tools, which need the Responses API, before any request', async () => {
    const searching = llm.bindTools([{ type: 'web_search_preview' }]);
    const before = gateway.requests.length;
    const error = await searching.invoke(uniquePrompt('search the web')).catch((e: unknown) => e);
    expect(CachecoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unsupported_feature' });
    expect((error as Error).message).toContain('web_search_preview');
    expect(gateway.requests.length).toBe(before);
  });

  it('rejects invalid deps with a CachecoreError before any request', async () => {
    const before = gateway.requests.length;
    const error = await llm
      .invoke(uniquePrompt('bad deps'), { cachecore: { deps: [''] } })
      .catch((e: unknown) => e);
    expect(CachecoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_deps' });
    expect(gateway.requests.length).toBe(before);
  });

  it('keeps the tenant token out of the serialised model that tracers record', () => {
    const serialised = JSON.stringify(llm.toJSON());
    expect(serialised).toContain(`${gateway.url}/v1`);
    expect(serialised).not.toContain(tenantJwt);
  });

  it('never sends the tenant token or a real OpenAI key as the bearer', async () => {
    const prompt = uniquePrompt('authorization');
    await llm.invoke(prompt);
    const sent = gateway.requests.find((request) => lastUserText(request) === prompt);
    expect(sent?.headers.authorization).toBe('Bearer cachecore-gateway');
    expect(sent?.headers['x-cachecore-token']).toBe(tenantJwt);
    expect(sent?.headers['x-cachecore-langchain-call']).toBeUndefined();
  });
});

describe('CachecoreChatOpenAI configured from the environment', () => {
  it('reads CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT when the fields leave them out', async () => {
    await setGatewayEnvironment(gateway.url);
    const fromEnvironment = new CachecoreChatOpenAI({ model: 'gpt-4o-mini' });
    gateway.closeAfterAll(fromEnvironment.cachecore);
    const prompt = uniquePrompt('Configured from the environment');
    expect(statusOf(await fromEnvironment.invoke(prompt))).toBe('MISS');
    expect(statusOf(await fromEnvironment.invoke(prompt))).toBe('HIT_L1');
  });

  it('names the variable to set when a setting is missing', () => {
    clearGatewayEnvironment();
    expect(() => new CachecoreChatOpenAI()).toThrow(/CACHECORE_GATEWAY_URL/);
    expect(() => new CachecoreChatOpenAI({ gatewayUrl: gateway.url })).toThrow(CachecoreError);
  });
});
