/** The cache tiers a chat completion answer can come from (the `X-Cache` header). */
export type CacheStatusValue = 'HIT_L1' | 'HIT_L1_STALE' | 'HIT_L2' | 'MISS' | 'BYPASS';

/** The PROTOCOL §2 headers. */
export function cacheHeaders(
  status: CacheStatusValue,
  similarity: number,
  ageSeconds: number,
): Record<string, string> {
  return {
    'x-cache': status,
    'x-cache-similarity': Math.min(1, Math.max(0, similarity)).toFixed(2),
    'x-cache-age': String(Math.max(0, Math.floor(ageSeconds))),
  };
}
