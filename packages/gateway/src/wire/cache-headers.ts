import { formatCacheHeaders, type WireCacheStatus } from '@cachecore/core/protocol';

/** The cache tiers a chat completion answer can come from: the protocol's wire statuses. */
export type CacheStatusValue = WireCacheStatus;

/** The PROTOCOL §2 headers, formatted by the protocol module (similarity with four decimals). */
export function cacheHeaders(
  status: CacheStatusValue,
  similarity: number,
  ageSeconds: number,
): Record<string, string> {
  return formatCacheHeaders({ status, similarity, ageSeconds });
}
