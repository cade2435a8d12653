// Header names of the wire protocol (PROTOCOL §1, §2). HTTP header names are case-insensitive: the
// canonical casing is what clients send, the lower-case form is how Node's IncomingHttpHeaders and
// the Fetch API's Headers iteration spell them.

/** Request header carrying the bare tenant token (PROTOCOL §1). */
export const TOKEN_HEADER = 'X-Cachecore-Token';
/** {@link TOKEN_HEADER} in lower case, as a key of Node's `IncomingHttpHeaders`. */
export const TOKEN_HEADER_LOWER = 'x-cachecore-token';

/** Request header carrying the request's dependency tags, `base64url(JSON)` without padding. */
export const DEPS_HEADER = 'X-Cachecore-Deps';
/** {@link DEPS_HEADER} in lower case. */
export const DEPS_HEADER_LOWER = 'x-cachecore-deps';

/**
 * Client-side directive read and removed by `cc.fetch`; it never reaches the wire. `1` makes that
 * one request a bypass, `0` forces a normal cached request even inside a bypass scope.
 */
export const BYPASS_DIRECTIVE_HEADER = 'X-Cachecore-Bypass';
/** {@link BYPASS_DIRECTIVE_HEADER} in lower case. */
export const BYPASS_DIRECTIVE_HEADER_LOWER = 'x-cachecore-bypass';

/** Response header with the cache outcome: `HIT_L1`, `HIT_L1_STALE`, `HIT_L2`, `MISS`, `BYPASS`. */
export const CACHE_STATUS_HEADER = 'X-Cache';
/** {@link CACHE_STATUS_HEADER} in lower case. */
export const CACHE_STATUS_HEADER_LOWER = 'x-cache';

/** Response header with the similarity in `[0, 1]` of the served entry, four decimals. */
export const CACHE_SIMILARITY_HEADER = 'X-Cache-Similarity';
/** {@link CACHE_SIMILARITY_HEADER} in lower case. */
export const CACHE_SIMILARITY_HEADER_LOWER = 'x-cache-similarity';

/** Response header with the age in whole seconds of the served entry. */
export const CACHE_AGE_HEADER = 'X-Cache-Age';
/** {@link CACHE_AGE_HEADER} in lower case. */
export const CACHE_AGE_HEADER_LOWER = 'x-cache-age';

/** Response header with the first 12 hex chars of the namespace hash (gateway debug mode only). */
export const NAMESPACE_HINT_HEADER = 'X-CacheCore-Namespace-Hint';
/** {@link NAMESPACE_HINT_HEADER} in lower case. */
export const NAMESPACE_HINT_HEADER_LOWER = 'x-cachecore-namespace-hint';

/**
 * Every request header of the protocol starts with this (lower case): a gateway never forwards
 * such headers upstream.
 */
export const CACHECORE_HEADER_PREFIX_LOWER = 'x-cachecore-';

/**
 * Every `X-Cache*` response header starts with this (lower case): a gateway relays none of an
 * upstream's own, so a client only ever reads the gateway's.
 */
export const CACHE_RESPONSE_HEADER_PREFIX_LOWER = 'x-cache';
