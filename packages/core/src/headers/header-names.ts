/** Request header carrying the bare tenant token (PROTOCOL §1). */
export const TOKEN_HEADER = 'X-Cachecore-Token';

/** Request header carrying the request's dependency tags, `base64url(JSON)` without padding. */
export const DEPS_HEADER = 'X-Cachecore-Deps';

/**
 * Client-side directive read and removed by `cc.fetch`; it never reaches the wire. `1` makes that
 * one request a bypass, `0` forces a normal cached request even inside a bypass scope.
 */
export const BYPASS_DIRECTIVE_HEADER = 'X-Cachecore-Bypass';

/** Response header with the cache outcome: `HIT_L1`, `HIT_L1_STALE`, `HIT_L2`, `MISS`, `BYPASS`. */
export const CACHE_STATUS_HEADER = 'X-Cache';

/** Response header with the similarity in `[0, 1]` of the served entry. */
export const CACHE_SIMILARITY_HEADER = 'X-Cache-Similarity';

/** Response header with the age in seconds of the served entry. */
export const CACHE_AGE_HEADER = 'X-Cache-Age';

/** Response header with the first 12 hex chars of the namespace hash (gateway debug mode only). */
export const NAMESPACE_HINT_HEADER = 'X-CacheCore-Namespace-Hint';
