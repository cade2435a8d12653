import type { CachecoreClient } from '@cachecore/core';
import {
  createProviderRegistry,
  generateText,
  type LanguageModelMiddleware,
  wrapLanguageModel,
} from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import type { CachecoreCallOptions } from '../middleware/cachecore-call-options';
import { type CachecoreMetadata, getCachecoreMetadata } from '../middleware/cachecore-metadata';
import { cachecoreMiddleware } from '../middleware/cachecore-middleware';
import {
  type CachecoreLanguageModel,
  type CachecoreProvider,
  createCachecore,
} from './create-cachecore';
import { cachecore as defaultProvider } from './default-provider';

declare const client: CachecoreClient;

describe('types', () => {
  it('the provider fits a registry, with the models of the installed AI SDK and the client', () => {
    const cachecore = createCachecore({ cachecore: client });
    expectTypeOf(cachecore).toEqualTypeOf<CachecoreProvider>();
    expectTypeOf(cachecore('gpt-4o-mini')).toEqualTypeOf<ReturnType<typeof wrapLanguageModel>>();
    expectTypeOf(cachecore.languageModel('m')).toEqualTypeOf<CachecoreLanguageModel>();
    expectTypeOf(cachecore.client).toEqualTypeOf<CachecoreClient>();
    createProviderRegistry({ cachecore, defaultProvider });
    void generateText({ model: defaultProvider('m'), prompt: 'p' });
  });

  it('takes client options or a client, not both', () => {
    createCachecore({ gatewayUrl: 'http://127.0.0.1:8080', tenantJwt: 'eyJ' });
    // Left out, the gateway settings come from CACHECORE_GATEWAY_URL / CACHECORE_TENANT_JWT.
    createCachecore();
    createCachecore({ includeUsage: false, timeout: 5_000 });
    // @ts-expect-error: an existing client excludes the client options
    createCachecore({ cachecore: client, gatewayUrl: 'http://127.0.0.1:8080', tenantJwt: 'eyJ' });
  });

  it('the middleware fits wrapLanguageModel and the metadata reader is typed', () => {
    expectTypeOf(cachecoreMiddleware(client)).toExtend<LanguageModelMiddleware>();
    wrapLanguageModel({
      model: createCachecore({ cachecore: client })('m'),
      middleware: cachecoreMiddleware(),
    });
    expectTypeOf(getCachecoreMetadata(undefined)).toEqualTypeOf<CachecoreMetadata | undefined>();
  });

  it('call options are JSON, so they fit the AI SDK providerOptions type', () => {
    const cachecore: CachecoreCallOptions = {
      deps: ['table:orders', { id: 'doc:42', hash: 'v2' }],
      bypass: false,
      cacheControl: { noStore: true, ttlSeconds: 600 },
    };
    void generateText({
      model: createCachecore({ cachecore: client })('m'),
      prompt: 'p',
      providerOptions: { cachecore },
    });
  });
});
