import {
  formatCacheHeaders,
  formatHttpCacheStatus,
  HTTP_CACHE_STATUS_HEADER_LOWER,
  type HttpCacheStatusFields,
  type WireCacheStatus,
} from '@cachecore/core/protocol';

/** The cache tiers a chat completion answer can come from: the protocol's wire statuses. */
export type CacheStatusValue = WireCacheStatus;

/**
 * The PROTOCOL §2 headers, formatted by the protocol module (similarity with four decimals), and
 * the RFC 9211 `Cache-Status` member of §2.1 (`ttl`, `collapsed` and the like from `details`).
 */
export function cacheHeaders(
  status: CacheStatusValue,
  similarity: number,
  ageSeconds: number,
  details: Omit<HttpCacheStatusFields, 'status'> = {},
): Record<string, string> {
  const headers = formatCacheHeaders({ status, similarity, ageSeconds });
  headers[HTTP_CACHE_STATUS_HEADER_LOWER] = formatHttpCacheStatus({ status, ...details });
  return headers;
}

/**
 * The headers of a single-flight follower's answer: `X-Cache: MISS` still (the wire status), but
 * `Cache-Status` says `collapsed`, since no upstream call was made for it.
 */
export function collapsedMissHeaders(headers: Record<string, string>): Record<string, string> {
  return {
    ...headers,
    [HTTP_CACHE_STATUS_HEADER_LOWER]: formatHttpCacheStatus({ status: 'MISS', collapsed: true }),
  };
}
