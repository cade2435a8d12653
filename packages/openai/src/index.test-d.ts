import type { CachecoreClient, CacheStatus } from '@cachecore/core';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import { describe, expectTypeOf, it } from 'vitest';
import { cachecoreRequestOptions, createCachecoreOpenAI, getCacheStatus } from './index';

declare const cachecore: CachecoreClient;

describe('createCachecoreOpenAI', () => {
  it('returns an OpenAI client with a typed cachecore property', () => {
    const openai = createCachecoreOpenAI({ gatewayUrl: 'http://gw', tenantJwt: 'jwt' });
    expectTypeOf(openai).toMatchTypeOf<OpenAI>();
    expectTypeOf(openai.cachecore).toEqualTypeOf<CachecoreClient>();
    expectTypeOf(openai.withOptions({ maxRetries: 1 }).cachecore).toEqualTypeOf<CachecoreClient>();
  });

  it('accepts OpenAI client options in both forms but not baseURL or a mix of forms', () => {
    createCachecoreOpenAI({ cachecore, maxRetries: 0, timeout: 5_000, defaultHeaders: {} });
    createCachecoreOpenAI({ gatewayUrl: 'http://gw', tenantJwt: 'jwt', organization: 'org' });
    // @ts-expect-error the base URL is the gateway's
    createCachecoreOpenAI({ cachecore, baseURL: 'https://api.openai.com/v1' });
    // @ts-expect-error either an existing client or gateway settings, not both
    createCachecoreOpenAI({ cachecore, gatewayUrl: 'http://gw', tenantJwt: 'jwt' });
    // Settings left out come from CACHECORE_GATEWAY_URL / CACHECORE_TENANT_JWT.
    createCachecoreOpenAI();
    createCachecoreOpenAI({ gatewayUrl: 'http://gw', maxRetries: 1 });
  });
});

describe('getCacheStatus', () => {
  it('accepts responses, headers, completions and streams', () => {
    expectTypeOf(getCacheStatus(new Response())).toEqualTypeOf<CacheStatus | undefined>();
    expectTypeOf(getCacheStatus).toBeCallableWith(new Headers());
    expectTypeOf(getCacheStatus).toBeCallableWith({} as ChatCompletion);
    expectTypeOf(getCacheStatus).toBeCallableWith({} as Stream<ChatCompletionChunk>);
    // @ts-expect-error a string carries no status
    getCacheStatus('HIT_L1');
  });
});

describe('cachecoreRequestOptions', () => {
  it('fits the second argument of create()', () => {
    const openai = new OpenAI({ apiKey: 'x' });
    expectTypeOf(openai.chat.completions.create).toBeCallableWith(
      { model: 'm', messages: [] },
      cachecoreRequestOptions({ deps: ['doc:1'], bypass: false }),
    );
  });
});
