import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { CachecoreClient, cachecoreHeaders } from '@cachecore/core';
import {
  type AskWithDirectives,
  createFreshTenantToken,
  expectCacheDirectivesHonoured,
  lastUserText,
  type TestGatewayHandle,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import { generateText, type ProviderMetadata, streamText, wrapLanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { getCachecoreMetadata } from './cachecore-metadata';
import { cachecoreMiddleware } from './cachecore-middleware';

const gateway = useTestGateway();

/** A plain OpenAI-compatible model pointed at a test gateway, wrapped with the middleware. */
async function createWrappedModel(providerName = 'gw', on: TestGatewayHandle = gateway) {
  const client = on.closeAfterAll(new CachecoreClient(await on.freshTenant()));
  const provider = createOpenAICompatible({
    name: providerName,
    baseURL: client.baseURL,
    fetch: client.fetch,
  });
  const model = wrapLanguageModel({
    model: provider.chatModel('gpt-4o-mini'),
    middleware: cachecoreMiddleware(client),
  });
  return { client, model };
}

/** The cache status of a `generateText` call (a promise) or a `streamText` result. */
async function statusOf(
  result:
    | PromiseLike<{ providerMetadata: ProviderMetadata | undefined }>
    | { providerMetadata: PromiseLike<ProviderMetadata | undefined> },
): Promise<string | undefined> {
  const providerMetadata =
    'then' in result ? (await result).providerMetadata : await result.providerMetadata;
  return getCachecoreMetadata(providerMetadata)?.status;
}

describe('cachecoreMiddleware', () => {
  it('reports the cache status of a plain createOpenAICompatible model', async () => {
    const { model } = await createWrappedModel();

    const miss = await generateText({ model, prompt: 'Plain model' });
    expect(miss.text).toBe('Echo: Plain model');
    expect(getCachecoreMetadata(miss.providerMetadata)).toMatchObject({
      status: 'MISS',
      isHit: false,
    });
    const hit = streamText({ model, prompt: 'Plain model' });
    expect(await hit.text).toBe('Echo: Plain model');
    expect(getCachecoreMetadata(await hit.providerMetadata)).toMatchObject({
      status: 'HIT_L1',
      similarity: 1,
    });
  });

  it('takes deps from providerOptions.cachecore and keeps them out of the body, even for a provider named "cachecore"', async () => {
    const { client, model } = await createWrappedModel('cachecore');
    const ask = () =>
      generateText({
        model,
        prompt: 'Named cachecore',
        providerOptions: { cachecore: { deps: ['doc:named'] } },
      });

    const miss = await ask();
    expect(getCachecoreMetadata(miss.providerMetadata)?.status).toBe('MISS');
    const upstreamBody = JSON.stringify(gateway.mockUpstream.requests.at(-1)?.body);
    expect(upstreamBody).toContain('Named cachecore');
    expect(upstreamBody).not.toContain('doc:named');
    expect(upstreamBody).not.toContain('deps');
    expect(await statusOf(ask())).toBe('HIT_L1');

    await client.invalidate('doc:named');
    expect(await statusOf(ask())).toBe('MISS');
  });

  it('takes deps from a scope wrapping the call, for generateText and streamText', async () => {
    const { client, model } = await createWrappedModel();

    const generated = client.requestContext({ deps: ['doc:scoped'] }, () =>
      generateText({ model, prompt: 'Scoped generate' }),
    );
    expect(await statusOf(generated)).toBe('MISS');
    // streamText sends its request as soon as it is called: a scope around the call is enough,
    // even though the stream is read after the scope has returned.
    const streamed = client.requestContext({ deps: ['doc:scoped'] }, () =>
      streamText({ model, prompt: 'Scoped stream' }),
    );
    expect(await statusOf(streamed)).toBe('MISS');
    expect(await statusOf(generateText({ model, prompt: 'Scoped generate' }))).toBe('HIT_L1');
    expect(await statusOf(streamText({ model, prompt: 'Scoped stream' }))).toBe('HIT_L1');

    await client.invalidate('doc:scoped');
    expect(await statusOf(generateText({ model, prompt: 'Scoped generate' }))).toBe('MISS');
    expect(await statusOf(streamText({ model, prompt: 'Scoped stream' }))).toBe('MISS');
  });

  it('lets providerOptions.cachecore win over the scope', async () => {
    const { client, model } = await createWrappedModel();
    const ask = () => generateText({ model, prompt: 'Option wins' });

    await client.requestContext({ deps: ['doc:from-scope'] }, async () => {
      const result = await generateText({
        model,
        prompt: 'Option wins',
        providerOptions: { cachecore: { deps: ['doc:from-option'] } },
      });
      expect(getCachecoreMetadata(result.providerMetadata)?.status).toBe('MISS');
    });

    // The entry is tagged with the option's dep only.
    await client.invalidate('doc:from-scope');
    expect(await statusOf(ask())).toBe('HIT_L1');
    await client.invalidate('doc:from-option');
    expect(await statusOf(ask())).toBe('MISS');
  });

  it('lets bypass: false in providerOptions override a bypass scope, and the reverse', async () => {
    const { client, model } = await createWrappedModel();

    await client.requestContext({ bypass: true }, async () => {
      expect(await statusOf(generateText({ model, prompt: 'Bypass scope' }))).toBe('BYPASS');
      const forced = generateText({
        model,
        prompt: 'Bypass scope',
        providerOptions: { cachecore: { bypass: false } },
      });
      expect(await statusOf(forced)).toBe('MISS');
    });
    const bypassed = generateText({
      model,
      prompt: 'Bypass scope',
      providerOptions: { cachecore: { bypass: true } },
    });
    expect(await statusOf(bypassed)).toBe('BYPASS');
    expect(await statusOf(generateText({ model, prompt: 'Bypass scope' }))).toBe('HIT_L1');
  });

  it('keeps headers set explicitly on the call over the scope', async () => {
    const { client, model } = await createWrappedModel();

    await client.requestContext({ deps: ['doc:scope-loses'] }, async () => {
      const result = await generateText({
        model,
        prompt: 'Explicit headers',
        headers: cachecoreHeaders({ deps: ['doc:header-wins'] }),
      });
      expect(getCachecoreMetadata(result.providerMetadata)?.status).toBe('MISS');
    });

    await client.invalidate('doc:scope-loses');
    expect(await statusOf(generateText({ model, prompt: 'Explicit headers' }))).toBe('HIT_L1');
    await client.invalidate('doc:header-wins');
    expect(await statusOf(generateText({ model, prompt: 'Explicit headers' }))).toBe('MISS');
  });

  it('works without a client, through core’s cachecoreHeaders', async () => {
    const client = new CachecoreClient({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
    gateway.closeAfterAll(client);
    const provider = createOpenAICompatible({
      name: 'gw',
      baseURL: client.baseURL,
      fetch: client.fetch,
    });
    const model = wrapLanguageModel({
      model: provider('gpt-4o-mini'),
      middleware: cachecoreMiddleware(),
    });
    const ask = () =>
      generateText({
        model,
        prompt: 'No client',
        providerOptions: { cachecore: { deps: ['doc:no-client'] } },
      });

    expect(await statusOf(ask())).toBe('MISS');
    await client.invalidate('doc:no-client');
    expect(await statusOf(ask())).toBe('MISS');
  });

  it('works on @ai-sdk/openai chat models too', async () => {
    const client = new CachecoreClient({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
    gateway.closeAfterAll(client);
    const openai = createOpenAI({
      baseURL: client.baseURL,
      fetch: client.fetch,
      apiKey: 'not-used-by-the-gateway',
    });
    const model = wrapLanguageModel({
      model: openai.chat('gpt-4o-mini'),
      middleware: cachecoreMiddleware(client),
    });
    const ask = () =>
      generateText({
        model,
        prompt: 'OpenAI provider',
        providerOptions: { cachecore: { deps: ['doc:openai'] } },
      });

    const miss = await ask();
    expect(miss.text).toBe('Echo: OpenAI provider');
    expect(getCachecoreMetadata(miss.providerMetadata)?.status).toBe('MISS');
    expect(gateway.mockUpstream.requests.at(-1)?.path).toBe('/v1/chat/completions');
    expect(await statusOf(ask())).toBe('HIT_L1');
    await client.invalidate('doc:openai');
    expect(await statusOf(ask())).toBe('MISS');
  });

  it('reports UNKNOWN for a model that is not behind a gateway', async () => {
    const provider = createOpenAICompatible({
      name: 'direct',
      baseURL: gateway.mockUpstream.url,
    });
    const model = wrapLanguageModel({
      model: provider('gpt-4o-mini'),
      middleware: cachecoreMiddleware(),
    });
    const result = await generateText({ model, prompt: 'Straight to the upstream' });
    expect(result.text).toBe('Echo: Straight to the upstream');
    expect(getCachecoreMetadata(result.providerMetadata)).toMatchObject({
      status: 'UNKNOWN',
      isHit: false,
    });
  });
});

describe('cache directives', () => {
  const recording = useTestGateway({ recordRequests: true });

  it("sends providerOptions.cachecore.cacheControl as Cache-Control, replacing a scope's directives", async () => {
    const { client, model } = await createWrappedModel('gw', recording);
    const sentCacheControl = (prompt: string) =>
      recording.requests.find((request) => lastUserText(request) === prompt)?.headers[
        'cache-control'
      ];

    await generateText({
      model,
      prompt: 'Directives per call',
      providerOptions: { cachecore: { cacheControl: { noStore: true, ttlSeconds: 600 } } },
    });
    expect(sentCacheControl('Directives per call')).toBe('no-store, cachecore-ttl=600');

    await client.requestContext({ cacheControl: { maxAgeSeconds: 60 } }, async () => {
      await generateText({ model, prompt: 'Directives of the scope' });
      await generateText({
        model,
        prompt: 'Directives of the call',
        providerOptions: { cachecore: { cacheControl: { noCache: true } } },
      });
      const stream = streamText({
        model,
        prompt: 'No directives',
        providerOptions: { cachecore: { cacheControl: {} } },
      });
      await stream.text;
    });
    expect(sentCacheControl('Directives of the scope')).toBe('max-age=60');
    expect(sentCacheControl('Directives of the call')).toBe('no-cache');
    expect(sentCacheControl('No directives')).toBeUndefined();
  });

  it('lets the gateway answer without keeping the answer (noStore) and refresh an entry (noCache)', async () => {
    const { model } = await createWrappedModel('gw', recording);
    const ask: AskWithDirectives = (cacheControl) =>
      statusOf(
        generateText({
          model,
          prompt: 'Keep or refresh',
          providerOptions: { cachecore: { ...(cacheControl && { cacheControl }) } },
        }),
      );
    await expectCacheDirectivesHonoured(ask, recording.mockUpstream);
  });

  it('rejects malformed directives before any request', async () => {
    const { model } = await createWrappedModel('gw', recording);
    const before = recording.requests.length;
    for (const cacheControl of ['no-store', { ttlSeconds: 0 }, { noStore: 'yes' }]) {
      await expect(
        generateText({
          model,
          prompt: 'Bad directives',
          maxRetries: 0,
          providerOptions: { cachecore: { cacheControl } as never },
        }),
      ).rejects.toThrow(/cacheControl/);
    }
    expect(recording.requests.length).toBe(before);
  });
});
