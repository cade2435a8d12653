// @cachecore/core/protocol: the wire contract of docs/PROTOCOL.md as code, shared by the client and
// the gateway. Runtime-agnostic: no `node:` imports, no Buffer, nothing runs at import time.

export { decodeBase64Url, encodeBase64Url } from './base64url';
export {
  CACHECORE_TTL_DIRECTIVE,
  type CacheControlOptions,
  formatCacheControl,
  type ParsedCacheControl,
  parseCacheControl,
  validateCacheControl,
} from './cache-control';
export {
  type CacheHeaderFields,
  formatAgeSeconds,
  formatCacheHeaders,
  formatSimilarity,
  parseAgeSeconds,
  parseCacheStatusValue,
  parseNamespaceHint,
  parseSimilarity,
} from './cache-headers';
export {
  CACHE_STATUSES,
  type CacheStatusValue,
  type CacheTier,
  cacheTierOf,
  HIT_CACHE_STATUSES,
  isHitStatus,
  isWireCacheStatus,
  UNKNOWN_CACHE_STATUS,
  WIRE_CACHE_STATUSES,
  type WireCacheStatus,
} from './cache-statuses';
export {
  type DecodeDepsResult,
  decodeDepsHeaderValue,
  type EncodeDepsResult,
  encodeDepsHeaderValue,
} from './deps-codec';
export {
  DEFAULT_DEP_HASH,
  isReservedDepId,
  MAX_DEP_HASH_BYTES,
  MAX_DEP_ID_BYTES,
  MAX_DEPS_HEADER_BYTES,
  MAX_DEPS_PER_REQUEST,
  POLICY_VERSION_DEP_ID,
} from './deps-limits';
export {
  BYPASS_DIRECTIVE_HEADER,
  BYPASS_DIRECTIVE_HEADER_LOWER,
  BYPASS_TOKEN_HEADER,
  BYPASS_TOKEN_HEADER_LOWER,
  CACHE_AGE_HEADER,
  CACHE_AGE_HEADER_LOWER,
  CACHE_CONTROL_HEADER,
  CACHE_CONTROL_HEADER_LOWER,
  CACHE_RESPONSE_HEADER_PREFIX_LOWER,
  CACHE_SIMILARITY_HEADER,
  CACHE_SIMILARITY_HEADER_LOWER,
  CACHE_STATUS_HEADER,
  CACHE_STATUS_HEADER_LOWER,
  CACHECORE_HEADER_PREFIX_LOWER,
  CALL_CORRELATION_HEADER_LOWER,
  DEPS_HEADER,
  DEPS_HEADER_LOWER,
  EMBEDDING_INPUTS_HEADER,
  EMBEDDING_INPUTS_HEADER_LOWER,
  HTTP_CACHE_STATUS_HEADER,
  HTTP_CACHE_STATUS_HEADER_LOWER,
  L2_BEST_HEADER,
  L2_BEST_HEADER_LOWER,
  L2_VETO_HEADER,
  L2_VETO_HEADER_LOWER,
  NAMESPACE_HINT_HEADER,
  NAMESPACE_HINT_HEADER_LOWER,
  TOKEN_HEADER,
  TOKEN_HEADER_LOWER,
  UNCACHED_REASON_HEADER,
  UNCACHED_REASON_HEADER_LOWER,
} from './header-names';
export {
  CACHE_STATUS_CACHE_NAME,
  type CacheForwardReason,
  formatHttpCacheStatus,
  type HttpCacheStatusFields,
  type ParsedHttpCacheStatus,
  parseHttpCacheStatus,
} from './http-cache-status';
export {
  isJwtShaped,
  isTenantBearerAuthorization,
  looksLikeTenantToken,
  type ParsedTenantToken,
  parseTenantToken,
  readBearerCredential,
  stripTenantTokenPrefix,
} from './tenant-token';
export {
  utf8ByteLength,
  validateDepHash,
  validateDepId,
  validateDeps,
  type WireDep,
} from './validate-dep';
