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

/**
 * Request header carrying the tenant token on a bypass request (PROTOCOL §1.4). The token header
 * is left out so the request skips the cache; this one lets a gateway authorise the bypass and
 * rate-limit it per tenant. A gateway that does not know it ignores it.
 */
export const BYPASS_TOKEN_HEADER = 'X-Cachecore-Bypass-Token';
/** {@link BYPASS_TOKEN_HEADER} in lower case. */
export const BYPASS_TOKEN_HEADER_LOWER = 'x-cachecore-bypass-token';

/**
 * The standard request header carrying per-request cache directives (PROTOCOL §1.5): `no-store`,
 * `no-cache`, `max-age=N` and the extension `cachecore-ttl=N`.
 */
export const CACHE_CONTROL_HEADER = 'Cache-Control';
/** {@link CACHE_CONTROL_HEADER} in lower case. */
export const CACHE_CONTROL_HEADER_LOWER = 'cache-control';

/**
 * The RFC 9211 response header (PROTOCOL §2.1), e.g. `Cachecore; hit; ttl=2940; detail=l1`. Not to
 * be confused with {@link CACHE_STATUS_HEADER}, the older `X-Cache`.
 */
export const HTTP_CACHE_STATUS_HEADER = 'Cache-Status';
/** {@link HTTP_CACHE_STATUS_HEADER} in lower case. */
export const HTTP_CACHE_STATUS_HEADER_LOWER = 'cache-status';

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

/**
 * Response header of `/v1/embeddings` with how many inputs of the batch came from the cache and
 * how many were fetched upstream: `cached=97, fetched=3`.
 */
export const EMBEDDING_INPUTS_HEADER = 'X-Cachecore-Embedding-Inputs';
/** {@link EMBEDDING_INPUTS_HEADER} in lower case. */
export const EMBEDDING_INPUTS_HEADER_LOWER = 'x-cachecore-embedding-inputs';

/**
 * Response header saying why a request of a cached route was forwarded uncached (`X-Cache:
 * BYPASS`) although it carried a tenant token: for `/v1/responses`, `store`,
 * `previous_response_id`, `conversation` or `background` (stateful requests).
 */
export const UNCACHED_REASON_HEADER = 'X-Cachecore-Uncached-Reason';
/** {@link UNCACHED_REASON_HEADER} in lower case. */
export const UNCACHED_REASON_HEADER_LOWER = 'x-cachecore-uncached-reason';

/**
 * Debug response header (gateways with debug headers on): the similarity, four decimals, that
 * decided the L2 lookup: the best candidate's, also when it was vetoed or under the threshold.
 */
export const L2_BEST_HEADER = 'X-Cachecore-L2-Best';
/** {@link L2_BEST_HEADER} in lower case. */
export const L2_BEST_HEADER_LOWER = 'x-cachecore-l2-best';

/** Debug response header: the prompt guard that vetoed the best L2 candidate. */
export const L2_VETO_HEADER = 'X-Cachecore-L2-Veto';
/** {@link L2_VETO_HEADER} in lower case. */
export const L2_VETO_HEADER_LOWER = 'x-cachecore-l2-veto';

/**
 * Client-side header the LangChain adapter uses to correlate a request its transport sees with the
 * model call that made it; removed by the adapter's fetch, it never reaches the wire.
 */
export const CALL_CORRELATION_HEADER_LOWER = 'x-cachecore-langchain-call';
