// The public API of @cachecore/core. Everything exported here is documented on its declaration.

export { CachecoreClient, type CachecoreClientOptions } from './client';
export {
  type CacheContext,
  type CacheContextOptions,
  getCacheContext,
  runWithCacheContext,
} from './context/cache-context';
export { CachecoreAuthError } from './errors/cachecore-auth-error';
export {
  CachecoreError,
  type CachecoreErrorCode,
  type CachecoreErrorOptions,
} from './errors/cachecore-error';
export {
  CachecoreRateLimitError,
  type CachecoreRateLimitErrorOptions,
} from './errors/cachecore-rate-limit-error';
export {
  createErrorFromResponse,
  extractGatewayErrorMessage,
  type FailedResponseDetails,
} from './errors/create-error-from-response';
export { parseRetryAfter } from './errors/parse-retry-after';
export { type CachecoreHeadersOptions, cachecoreHeaders } from './headers/cachecore-headers';
export { Dep, type DepOptions, MAX_DEP_ID_BYTES } from './headers/dep';
export {
  type DepInput,
  type DepLike,
  encodeDepsHeader,
  MAX_DEPS_HEADER_BYTES,
  MAX_DEPS_PER_REQUEST,
  normalizeDeps,
} from './headers/encode-deps-header';
export {
  BYPASS_DIRECTIVE_HEADER,
  CACHE_AGE_HEADER,
  CACHE_SIMILARITY_HEADER,
  CACHE_STATUS_HEADER,
  DEPS_HEADER,
  NAMESPACE_HINT_HEADER,
  TOKEN_HEADER,
} from './headers/header-names';
export type {
  InvalidateFailure,
  InvalidateOptions,
  InvalidateResult,
  InvalidateSuccess,
} from './invalidation/invalidate-dep';
export {
  GATEWAY_URL_ENV,
  type GatewayOptions,
  resolveGatewayOptions,
  TENANT_JWT_ENV,
} from './options/gateway-environment';
export { type HeadersSource, mergeHeaders } from './options/merge-headers';
export { PLACEHOLDER_API_KEY } from './options/placeholder-api-key';
export { type ResolvedCacheOptions, resolveCacheOptions } from './options/resolve-cache-options';
export type { CacheControlOptions } from './protocol/cache-control';
export { type CacheStats, CacheStatsCounter } from './stats/cache-stats';
export {
  CACHE_STATUSES,
  CacheStatus,
  type CacheStatusValue,
  parseCacheStatus,
} from './status/cache-status';
export type {
  CachecoreLogger,
  CacheStatusListener,
  CacheStatusRequest,
} from './transport/create-cachecore-fetch';
