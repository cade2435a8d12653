import { CachecoreClient, CachecoreError, PLACEHOLDER_API_KEY } from '@cachecore/core';
import {
  clearGatewayEnvironment,
  createFreshTenantToken,
  setGatewayEnvironment,
  useTestGateway,
} from '@cachecore/test-support/gateway';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { cachecoreRequestOptions } from './cachecore-request-options';
import { type CachecoreOpenAI, createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

const gateway = useTestGateway();

/** A client for a tenant of its own, so the test sees an empty cache. */
async function createTestClient(
  options: { maxRetries?: number; onCacheStatus?: (status: unknown) => void } = {},
): Promise<CachecoreOpenAI> {
  const openai = createCachecoreOpenAI({ ...(await gateway.freshTenant()), ...options });
  gateway.closeAfterAll(openai.cachecore);
  return openai;
}

function chatBody(prompt: string) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: prompt }] };
}

describe('createCachecoreOpenAI', () => {
  it('returns the real OpenAI client pointed at the gateway, with the Cachecore client attached', async () => {
    const openai = await createTestClient();

    expect(openai).toBeInstanceOf(OpenAI);
    expect(openai.baseURL).toBe(`${gateway.url}/v1`);
    expect(openai.apiKey).toBe(PLACEHOLDER_API_KEY);
    expect(openai.cachecore).toBeInstanceOf(CachecoreClient);
    expect(openai.cachecore.baseURL).toBe(`${gateway.url}/v1`);
  });

  it('reuses an existing CachecoreClient and keeps an explicit apiKey', async () => {
    const cachecore = new CachecoreClient({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
    const openai = createCachecoreOpenAI({ cachecore, apiKey: 'sk-not-used', maxRetries: 0 });
    gateway.closeAfterAll(cachecore);

    expect(openai.cachecore).toBe(cachecore);
    expect(openai.apiKey).toBe('sk-not-used');
    expect(openai.maxRetries).toBe(0);
    const completion = await openai.chat.completions.create(chatBody('Is reuse cached?'));
    expect(completion.choices[0]?.message.content).toBe('Echo: Is reuse cached?');
    expect(getCacheStatus(completion)?.status).toBe('MISS');
  });

  it('answers MISS, then HIT_L1 for the same request, on the completion and on withResponse()', async () => {
    const openai = await createTestClient();
    const body = chatBody('What time zone is Tokyo in?');

    const first = await openai.chat.completions.create(body);
    expect(first.choices[0]?.message.content).toBe('Echo: What time zone is Tokyo in?');
    expect(getCacheStatus(first)).toMatchObject({ status: 'MISS', isHit: false });

    const second = await openai.chat.completions.create(body);
    expect(second.choices[0]?.message.content).toBe('Echo: What time zone is Tokyo in?');
    expect(getCacheStatus(second)).toMatchObject({ status: 'HIT_L1', isHit: true, similarity: 1 });

    const { data, response } = await openai.chat.completions.create(body).withResponse();
    expect(getCacheStatus(response)?.status).toBe('HIT_L1');
    expect(getCacheStatus(response.headers)?.status).toBe('HIT_L1');
    expect(getCacheStatus(data)?.status).toBe('HIT_L1');
  });

  it('serves a near-duplicate prompt from the semantic cache as HIT_L2', async () => {
    const openai = await createTestClient();
    await openai.chat.completions.create(chatBody('What time zone is Tokyo in?'));

    const nearDuplicate = await openai.chat.completions.create(
      chatBody('what time zone is tokyo in'),
    );

    const status = getCacheStatus(nearDuplicate);
    expect(status?.status).toBe('HIT_L2');
    expect(status?.similarity).toBeGreaterThan(0.8);
    expect(status?.similarity).toBeLessThanOrEqual(1);
    expect(nearDuplicate.choices[0]?.message.content).toBe('Echo: What time zone is Tokyo in?');
  });

  it('tags entries with scoped deps so that invalidating one makes the next call a MISS', async () => {
    const openai = await createTestClient();
    const body = chatBody('Summarise contract 123');
    const ask = () =>
      openai.cachecore.requestContext({ deps: ['doc:contract-123'] }, () =>
        openai.chat.completions.create(body),
      );

    expect(getCacheStatus(await ask())?.status).toBe('MISS');
    expect(getCacheStatus(await ask())?.status).toBe('HIT_L1');
    await openai.cachecore.invalidate('doc:contract-123');
    expect(getCacheStatus(await ask())?.status).toBe('MISS');
  });

  it('lets per-request deps replace the scope deps', async () => {
    const openai = await createTestClient();
    const body = chatBody('List the products on sale');
    const ask = () =>
      openai.cachecore.requestContext({ deps: ['table:scope-only'] }, () =>
        openai.chat.completions.create(body, cachecoreRequestOptions({ deps: ['table:products'] })),
      );

    expect(getCacheStatus(await ask())?.status).toBe('MISS');
    // The entry was tagged with the per-request dep only: the scope's dep does not touch it.
    await openai.cachecore.invalidate('table:scope-only');
    expect(getCacheStatus(await ask())?.status).toBe('HIT_L1');
    await openai.cachecore.invalidate('table:products');
    expect(getCacheStatus(await ask())?.status).toBe('MISS');
  });

  it('skips the cache with bypass, per request or in a scope, and lets the request override the scope', async () => {
    const openai = await createTestClient();
    const body = chatBody('Give me a fresh answer');
    await openai.chat.completions.create(body);

    const perRequest = await openai.chat.completions.create(
      body,
      cachecoreRequestOptions({ bypass: true }),
    );
    expect(getCacheStatus(perRequest)?.status).toBe('BYPASS');

    const scoped = await openai.cachecore.requestContext({ bypass: true }, () =>
      openai.chat.completions.create(body),
    );
    expect(getCacheStatus(scoped)?.status).toBe('BYPASS');

    const forcedCached = await openai.cachecore.requestContext({ bypass: true }, () =>
      openai.chat.completions.create(body, cachecoreRequestOptions({ bypass: false })),
    );
    expect(getCacheStatus(forcedCached)?.status).toBe('HIT_L1');
  });

  it('knows the status of a stream before its first chunk, from withResponse() and from the stream', async () => {
    const openai = await createTestClient();
    const body = { ...chatBody('Stream me a greeting'), stream: true as const };

    const { data: firstStream, response } = await openai.chat.completions
      .create(body)
      .withResponse();
    expect(getCacheStatus(response)?.status).toBe('MISS');
    expect(getCacheStatus(firstStream)?.status).toBe('MISS');
    let text = '';
    for await (const chunk of firstStream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: Stream me a greeting');

    const secondStream = await openai.chat.completions.create(body);
    expect(getCacheStatus(secondStream)?.status).toBe('HIT_L1');
    let replayed = '';
    for await (const chunk of secondStream) replayed += chunk.choices[0]?.delta.content ?? '';
    expect(replayed).toBe('Echo: Stream me a greeting');
  });

  it('shares one entry between streamed and non-streamed requests', async () => {
    const openai = await createTestClient();
    const body = chatBody('Stream or not, same answer');
    await openai.chat.completions.create(body);

    const stream = await openai.chat.completions.create({ ...body, stream: true });
    expect(getCacheStatus(stream)?.status).toBe('HIT_L1');
    await stream.controller.abort();
  });

  it('records the status on results of chat.completions.parse() and of withOptions() clones', async () => {
    const openai = await createTestClient();
    const body = chatBody('Parse this answer');
    await openai.chat.completions.create(body);

    const parsed = await openai.chat.completions.parse(body);
    expect(parsed.choices[0]?.message.content).toBe('Echo: Parse this answer');
    expect(getCacheStatus(parsed)?.status).toBe('HIT_L1');

    const clone = openai.withOptions({ maxRetries: 1 });
    expect(clone).toBeInstanceOf(OpenAI);
    expect(clone.cachecore).toBe(openai.cachecore);
    expect(getCacheStatus(await clone.chat.completions.create(body))?.status).toBe('HIT_L1');
  });

  it('reports every response to onCacheStatus', async () => {
    const seen: unknown[] = [];
    const openai = await createTestClient({ onCacheStatus: (status) => seen.push(status) });
    const body = chatBody('Tell the callback');

    await openai.chat.completions.create(body);
    await openai.chat.completions.create(body);

    expect(seen).toMatchObject([{ status: 'MISS' }, { status: 'HIT_L1' }]);
  });
});

describe('createCachecoreOpenAI without options', () => {
  it('reads the gateway and the token from CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT', async () => {
    await setGatewayEnvironment(gateway.url);
    const openai = createCachecoreOpenAI();
    gateway.closeAfterAll(openai.cachecore);
    expect(openai.baseURL).toBe(`${gateway.url}/v1`);
    const body = chatBody('Configured from the environment');
    expect(getCacheStatus(await openai.chat.completions.create(body))?.status).toBe('MISS');
    expect(getCacheStatus(await openai.chat.completions.create(body))?.status).toBe('HIT_L1');
  });

  it('names the variable to set when a setting is missing, rather than failing with a TypeError', () => {
    clearGatewayEnvironment();
    expect(() => createCachecoreOpenAI()).toThrow(CachecoreError);
    expect(() => createCachecoreOpenAI()).toThrow(/CACHECORE_GATEWAY_URL/);
    expect(() => createCachecoreOpenAI({ gatewayUrl: gateway.url })).toThrow(
      /CACHECORE_TENANT_JWT/,
    );
  });
});

describe('getCacheStatus', () => {
  it('reads UNKNOWN from headers without cache information and nothing from foreign objects', () => {
    expect(getCacheStatus(new Headers())?.status).toBe('UNKNOWN');
    expect(getCacheStatus(new Response('{}'))?.status).toBe('UNKNOWN');
    expect(getCacheStatus({ id: 'chatcmpl-not-from-a-cachecore-client' })).toBeUndefined();
  });
});
