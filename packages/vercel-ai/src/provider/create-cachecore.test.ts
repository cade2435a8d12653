import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { CachecoreClient, CachecoreError } from '@cachecore/core';
import {
  clearGatewayEnvironment,
  createFreshTenantToken,
  setGatewayEnvironment,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import {
  embed,
  embedMany,
  generateText,
  NoSuchModelError,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
} from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CachecoreProvider, createCachecore } from './create-cachecore';
import { cachecore as defaultProvider } from './default-provider';

const gateway = useTestGateway();

/** A provider for a tenant of its own, so the test sees an empty cache. */
async function createTestProvider(): Promise<CachecoreProvider> {
  const cachecore = createCachecore(await gateway.freshTenant());
  gateway.closeAfterAll(cachecore.client);
  return cachecore;
}

/**
 * Reads a whole `streamText` stream and returns its parts. The tests read `fullStream`, which AI SDK 6
 * has and AI SDK 7 keeps as a deprecated name of `stream`.
 */
async function collectParts<TOOLS extends ToolSet>(
  stream: AsyncIterable<TextStreamPart<TOOLS>>,
): Promise<TextStreamPart<TOOLS>[]> {
  const parts: TextStreamPart<TOOLS>[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function finishStepStatuses<TOOLS extends ToolSet>(parts: TextStreamPart<TOOLS>[]): unknown[] {
  return parts.flatMap((part) =>
    part.type === 'finish-step' ? [part.providerMetadata?.cachecore?.status] : [],
  );
}

const weatherTools = {
  getWeather: tool({
    description: 'The current weather of a city',
    inputSchema: z.object({ city: z.string().optional() }),
    execute: async () => 'sunny and 21 degrees',
  }),
};

describe('embeddings through the provider', () => {
  it('reports the per-input cache in providerMetadata.cachecore for embed and embedMany', async () => {
    const cachecore = await createTestProvider();
    const model = cachecore.embeddingModel('text-embedding-3-small');
    const chunks = ['Refund window is 14 days', 'Rail passes are final', 'Bikes need a seat'];
    const first = await embedMany({ model, values: chunks.slice(0, 2) });
    expect(first.providerMetadata?.cachecore).toMatchObject({ status: 'MISS', isHit: false });

    const before = gateway.mockUpstream.requests.length;
    const all = await embedMany({ model, values: chunks });
    const sent = gateway.mockUpstream.requests
      .slice(before)
      .flatMap((request) => (request.body as { input: string[] }).input);
    expect(sent).toEqual(['Bikes need a seat']);
    expect(all.embeddings.slice(0, 2)).toEqual(first.embeddings);

    const again = await embedMany({ model, values: chunks });
    expect(again.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1', isHit: true });
    const one = await embed({ model, value: 'Refund window is 14 days' });
    expect(one.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
    expect(one.embedding).toEqual(first.embeddings[0]);
  });

  it('takes deps from the client scope, so invalidating them re-embeds', async () => {
    const cachecore = await createTestProvider();
    const model = cachecore.embeddingModel('text-embedding-3-small');
    const run = () =>
      cachecore.client.requestContext({ deps: ['doc:faq'] }, () => embed({ model, value: 'FAQ' }));
    await run();
    expect((await run()).providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
    await cachecore.client.invalidate('doc:faq');
    expect((await run()).providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
  });
});

describe('createCachecore', () => {
  it('creates Chat Completions models wrapped with the Cachecore middleware and exposes the client', async () => {
    const cachecore = await createTestProvider();

    expect(cachecore.client).toBeInstanceOf(CachecoreClient);
    expect(cachecore.client.baseURL).toBe(`${gateway.url}/v1`);
    // Models of the installed AI SDK's generation: v3 on AI SDK 6, v4 on AI SDK 7, the same as the
    // models of the installed @ai-sdk/openai-compatible.
    const { specificationVersion } = createOpenAICompatible({
      name: 'plain',
      baseURL: gateway.url,
    })('gpt-4o-mini');
    expect(cachecore.specificationVersion).toBe(specificationVersion);
    for (const model of [
      cachecore('gpt-4o-mini'),
      cachecore.languageModel('gpt-4o-mini'),
      cachecore.chatModel('gpt-4o-mini'),
    ]) {
      expect(model.specificationVersion).toBe(specificationVersion);
      expect(model.modelId).toBe('gpt-4o-mini');
      expect(model.provider).toBe('cachecore-gateway.chat');
    }
    expect(() => cachecore.imageModel('gpt-image-1')).toThrow(NoSuchModelError);
  });

  it('reuses an existing client and refuses a client mixed with client options', async () => {
    const client = new CachecoreClient({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
    const cachecore = createCachecore({ cachecore: client });
    gateway.closeAfterAll(cachecore.client);
    expect(cachecore.client).toBe(client);

    const result = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Reused client' });
    expect(result.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });

    expect(() =>
      createCachecore({ cachecore: client, gatewayUrl: gateway.url } as never),
    ).toThrowError(expect.objectContaining({ code: 'invalid_options' }));
  });

  it('generateText: MISS → HIT_L1 → HIT_L2 → invalidate → MISS, in providerMetadata.cachecore', async () => {
    const cachecore = await createTestProvider();
    const ask = (prompt: string) =>
      generateText({
        model: cachecore('gpt-4o-mini'),
        prompt,
        providerOptions: { cachecore: { deps: ['doc:timezones'] } },
      });
    const upstreamBefore = gateway.mockUpstream.requestCount;

    const miss = await ask('What time zone is Tokyo in?');
    expect(miss.text).toBe('Echo: What time zone is Tokyo in?');
    expect(miss.providerMetadata?.cachecore).toMatchObject({ status: 'MISS', isHit: false });

    const hitL1 = await ask('What time zone is Tokyo in?');
    expect(hitL1.text).toBe('Echo: What time zone is Tokyo in?');
    expect(hitL1.providerMetadata?.cachecore).toMatchObject({
      status: 'HIT_L1',
      isHit: true,
      similarity: 1,
    });
    expect(hitL1.providerMetadata?.cachecore?.ageSeconds).toBeGreaterThanOrEqual(0);

    // A near-duplicate is answered with the cached answer to the original question.
    const hitL2 = await ask('what time zone is tokyo in');
    expect(hitL2.text).toBe('Echo: What time zone is Tokyo in?');
    expect(hitL2.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L2', isHit: true });
    const similarity = hitL2.providerMetadata?.cachecore?.similarity as number;
    expect(similarity).toBeGreaterThan(0.8);
    expect(similarity).toBeLessThanOrEqual(1);
    expect(gateway.mockUpstream.requestCount - upstreamBefore).toBe(1);

    await cachecore.client.invalidate('doc:timezones');
    const afterInvalidate = await ask('What time zone is Tokyo in?');
    expect(afterInvalidate.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
    expect(gateway.mockUpstream.requestCount - upstreamBefore).toBe(2);
    // The metadata is plain JSON: it survives serialisation unchanged.
    expect(JSON.parse(JSON.stringify(afterInvalidate.providerMetadata?.cachecore))).toEqual(
      afterInvalidate.providerMetadata?.cachecore,
    );
  });

  it('streamText: MISS → HIT_L1 → HIT_L2 → invalidate → MISS, on the result and the finish-step part', async () => {
    const cachecore = await createTestProvider();
    const ask = async (prompt: string) => {
      const result = streamText({
        model: cachecore('gpt-4o-mini'),
        prompt,
        providerOptions: { cachecore: { deps: ['doc:tickets'] } },
      });
      const parts = await collectParts(result.fullStream);
      return {
        text: await result.text,
        metadata: (await result.providerMetadata)?.cachecore,
        finishStepStatuses: finishStepStatuses(parts),
      };
    };

    const miss = await ask('List the open support tickets');
    expect(miss.text).toBe('Echo: List the open support tickets');
    expect(miss.metadata).toMatchObject({ status: 'MISS', isHit: false });
    expect(miss.finishStepStatuses).toEqual(['MISS']);

    const hitL1 = await ask('List the open support tickets');
    expect(hitL1.text).toBe('Echo: List the open support tickets');
    expect(hitL1.metadata).toMatchObject({ status: 'HIT_L1', isHit: true, similarity: 1 });
    expect(hitL1.finishStepStatuses).toEqual(['HIT_L1']);

    const hitL2 = await ask('List  the open support tickets!');
    expect(hitL2.text).toBe('Echo: List the open support tickets');
    expect(hitL2.metadata).toMatchObject({ status: 'HIT_L2', isHit: true });
    expect(hitL2.finishStepStatuses).toEqual(['HIT_L2']);

    await cachecore.client.invalidate('doc:tickets');
    const afterInvalidate = await ask('List the open support tickets');
    expect(afterInvalidate.metadata).toMatchObject({ status: 'MISS' });
    expect(afterInvalidate.finishStepStatuses).toEqual(['MISS']);
  });

  it('a streamed answer and a generated one share one cache entry', async () => {
    const cachecore = await createTestProvider();
    const streamed = streamText({ model: cachecore('gpt-4o-mini'), prompt: 'Shared entry' });
    expect(await streamed.text).toBe('Echo: Shared entry');
    expect((await streamed.providerMetadata)?.cachecore).toMatchObject({ status: 'MISS' });

    const generated = await generateText({
      model: cachecore('gpt-4o-mini'),
      prompt: 'Shared entry',
    });
    expect(generated.text).toBe('Echo: Shared entry');
    expect(generated.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
  });

  it('never sends providerOptions.cachecore upstream and leaves the cache key unchanged', async () => {
    const cachecore = await createTestProvider();
    const first = await generateText({
      model: cachecore('gpt-4o-mini'),
      prompt: 'Body check',
      providerOptions: { cachecore: { deps: ['doc:body'], bypass: false } },
    });
    expect(first.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
    const upstreamBody = JSON.stringify(gateway.mockUpstream.requests.at(-1)?.body);
    expect(upstreamBody).toContain('Body check');
    expect(upstreamBody).not.toContain('cachecore');
    expect(upstreamBody).not.toContain('doc:body');

    // The same prompt without Cachecore options has the same body, so the same cache key.
    const second = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Body check' });
    expect(second.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
  });

  it('bypass: true skips the cache and writes nothing', async () => {
    const cachecore = await createTestProvider();
    const bypassed = () =>
      generateText({
        model: cachecore('gpt-4o-mini'),
        prompt: 'Bypass me',
        providerOptions: { cachecore: { bypass: true } },
      });
    expect((await bypassed()).providerMetadata?.cachecore).toMatchObject({ status: 'BYPASS' });
    expect((await bypassed()).providerMetadata?.cachecore).toMatchObject({ status: 'BYPASS' });

    const cached = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Bypass me' });
    expect(cached.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
  });

  it('rejects malformed providerOptions.cachecore before any request', async () => {
    const cachecore = await createTestProvider();
    const upstreamBefore = gateway.mockUpstream.requestCount;
    const call = (options: unknown) =>
      generateText({
        model: cachecore('gpt-4o-mini'),
        prompt: 'Invalid options',
        providerOptions: { cachecore: options as never },
      });

    await expect(call({ deps: 'doc:1' })).rejects.toSatisfy(
      (error) => CachecoreError.isInstance(error) && error.code === 'invalid_deps',
    );
    await expect(call({ deps: [''] })).rejects.toSatisfy(
      (error) => CachecoreError.isInstance(error) && error.code === 'invalid_deps',
    );
    await expect(call({ dep: ['doc:1'] })).rejects.toThrow(/unknown option "dep"/);
    await expect(call({ bypass: 'yes' })).rejects.toSatisfy(
      (error) => CachecoreError.isInstance(error) && error.code === 'invalid_bypass',
    );
    await expect(call('doc:1')).rejects.toSatisfy(
      (error) => CachecoreError.isInstance(error) && error.code === 'invalid_options',
    );
    expect(gateway.mockUpstream.requestCount).toBe(upstreamBefore);
  });

  it('tool calling with generateText: a status per step, the second step answers with the tool result', async () => {
    const cachecore = await createTestProvider();
    const run = () =>
      generateText({
        model: cachecore('gpt-4o-mini'),
        tools: weatherTools,
        stopWhen: stepCountIs(2),
        prompt: 'What is the weather in Paris?',
      });

    const first = await run();
    expect(first.steps).toHaveLength(2);
    expect(first.steps[0]?.toolCalls.map((call) => call.toolName)).toEqual(['getWeather']);
    expect(first.steps[0]?.toolResults.map((result) => result.output)).toEqual([
      'sunny and 21 degrees',
    ]);
    expect(first.text).toBe('Echo: sunny and 21 degrees');
    expect(first.steps.map((step) => step.providerMetadata?.cachecore?.status)).toEqual([
      'MISS',
      'MISS',
    ]);
    expect(first.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });

    const second = await run();
    expect(second.text).toBe('Echo: sunny and 21 degrees');
    expect(second.steps.map((step) => step.providerMetadata?.cachecore?.status)).toEqual([
      'HIT_L1',
      'HIT_L1',
    ]);
    expect(second.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
  });

  it('tool calling with streamText: a status on every finish-step part', async () => {
    const cachecore = await createTestProvider();
    const run = async () => {
      const result = streamText({
        model: cachecore('gpt-4o-mini'),
        tools: weatherTools,
        stopWhen: stepCountIs(2),
        prompt: 'What is the weather in Rome?',
      });
      const parts = await collectParts(result.fullStream);
      return { result, parts };
    };

    const first = await run();
    expect(finishStepStatuses(first.parts)).toEqual(['MISS', 'MISS']);
    expect(first.parts.filter((part) => part.type === 'tool-result')).toHaveLength(1);
    expect(await first.result.text).toBe('Echo: sunny and 21 degrees');

    const second = await run();
    expect(finishStepStatuses(second.parts)).toEqual(['HIT_L1', 'HIT_L1']);
    expect((await second.result.providerMetadata)?.cachecore).toMatchObject({ status: 'HIT_L1' });
    expect(
      (await second.result.steps).map((step) => step.providerMetadata?.cachecore?.status),
    ).toEqual(['HIT_L1', 'HIT_L1']);
  });

  it('aborting a stream after the first text delta caches nothing and rejects nothing', async () => {
    const cachecore = await createTestProvider();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const prompt = `Tell me a long story ${'about caching proxies and their users '.repeat(40)}`;
      const controller = new AbortController();
      const result = streamText({
        model: cachecore('gpt-4o-mini'),
        prompt,
        abortSignal: controller.signal,
      });
      const seen: string[] = [];
      for await (const part of result.fullStream) {
        seen.push(part.type);
        if (part.type === 'text-delta') controller.abort();
      }
      expect(seen).toContain('text-delta');
      expect(seen).toContain('abort');
      expect(seen).not.toContain('finish');

      // Give the gateway a moment to notice the disconnect, then ask again.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await generateText({ model: cachecore('gpt-4o-mini'), prompt });
      expect(again.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
      expect(again.text).toBe(`Echo: ${prompt}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('SDK retries keep the tenant token and the deps', async () => {
    const cachecore = await createTestProvider();
    const upstreamBefore = gateway.mockUpstream.requestCount;
    gateway.mockUpstream.failNext(500, 1, { retryAfter: 0 });

    const retried = await generateText({
      model: cachecore('gpt-4o-mini'),
      prompt: 'Retry me',
      providerOptions: { cachecore: { deps: ['doc:retry'] } },
    });
    expect(retried.text).toBe('Echo: Retry me');
    // MISS, not BYPASS: the retry still carried the tenant token.
    expect(retried.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
    expect(gateway.mockUpstream.requestCount - upstreamBefore).toBe(2);

    const cached = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Retry me' });
    expect(cached.providerMetadata?.cachecore).toMatchObject({ status: 'HIT_L1' });
    // The entry written by the retry is tagged with the dep: invalidating it evicts the entry.
    await cachecore.client.invalidate('doc:retry');
    const evicted = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Retry me' });
    expect(evicted.providerMetadata?.cachecore).toMatchObject({ status: 'MISS' });
  });
});

describe('configuration from the environment', () => {
  it('reads CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT, in createCachecore() and the default provider', async () => {
    await setGatewayEnvironment(gateway.url);
    const fromEnvironment = gateway.closeAfterAll(createCachecore().client);
    expect(fromEnvironment.baseURL).toBe(`${gateway.url}/v1`);

    // The default provider reads the environment on first use, here, not at import.
    gateway.closeAfterAll(defaultProvider.client);
    const ask = () => generateText({ model: defaultProvider('gpt-4o-mini'), prompt: 'From env' });
    expect((await ask()).providerMetadata?.cachecore?.status).toBe('MISS');
    expect((await ask()).providerMetadata?.cachecore?.status).toBe('HIT_L1');
  });

  it('names the variable to set when a setting is missing', () => {
    clearGatewayEnvironment();
    expect(() => createCachecore()).toThrow(CachecoreError);
    expect(() => createCachecore()).toThrow(/CACHECORE_GATEWAY_URL/);
    expect(() => createCachecore({ gatewayUrl: gateway.url })).toThrow(/CACHECORE_TENANT_JWT/);
  });
});
