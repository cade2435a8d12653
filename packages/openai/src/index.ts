export {
  type CacheControlOptions,
  CachecoreAuthError,
  CachecoreClient,
  type CachecoreClientOptions,
  CachecoreError,
  type CachecoreHeadersOptions,
  CachecoreRateLimitError,
  CacheStatus,
  cachecoreHeaders,
  Dep,
  PLACEHOLDER_API_KEY,
} from '@cachecore/core';
export {
  type CachecoreRequestOptions,
  cachecoreRequestOptions,
} from './cachecore-request-options';
export {
  type CachecoreOpenAI,
  type CachecoreOpenAIClientOptions,
  type CachecoreOpenAIGatewayOptions,
  type CreateCachecoreOpenAIOptions,
  createCachecoreOpenAI,
  type OpenAIClientOptions,
} from './create-cachecore-openai';
export { type CacheStatusSource, getCacheStatus } from './get-cache-status';
