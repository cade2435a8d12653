import { CacheStatus } from '@cachecore/core';

// Keyed by what the SDK hands back (a completion object, a `Stream`), so an entry lives exactly
// as long as the object it describes and nothing is ever written onto the object itself.
const statusByResult = new WeakMap<object, CacheStatus>();

/**
 * Remembers the cache status of the response `result` was parsed from. Results that are not
 * objects (a plain text body, `null` for a 204) have nowhere to hang a status and are skipped.
 */
export function recordCacheStatus(result: unknown, response: Response): void {
  if (typeof result === 'object' && result !== null) {
    statusByResult.set(result, CacheStatus.fromHeaders(response.headers));
  }
}

/**
 * Anything {@link getCacheStatus} can read a cache status from: the raw `Response` or its
 * `Headers` (from `.withResponse()` / `.asResponse()`), or a value returned by a client made with
 * `createCachecoreOpenAI` (a completion object, or the `Stream` returned for `stream: true`).
 */
export type CacheStatusSource = Response | Headers | object;

/**
 * The Cachecore cache status of an OpenAI SDK response: `HIT_L1`, `HIT_L1_STALE`, `HIT_L2`,
 * `MISS`, `BYPASS` or `UNKNOWN`, with similarity and age.
 *
 * Accepts the `Response` or `Headers` of any request (a response without cache headers, e.g. from
 * a plain OpenAI endpoint, gives status `UNKNOWN`), or an object returned by a client from
 * `createCachecoreOpenAI`: the completion, or the `Stream` of a `stream: true` request, whose status
 * is known as soon as the stream is returned, before the first chunk. Returns `undefined` for an
 * object the client did not return (for example a plain `new OpenAI()` result, or a copy).
 *
 * @example
 * ```ts
 * const completion = await openai.chat.completions.create(body);
 * const status = getCacheStatus(completion);
 * if (status?.isHit) console.log(`served from cache (${status.status}, ${status.ageSeconds}s old)`);
 * ```
 */
export function getCacheStatus(source: CacheStatusSource): CacheStatus | undefined {
  if (source instanceof Headers) return CacheStatus.fromHeaders(source);
  if (source instanceof Response) return CacheStatus.fromHeaders(source.headers);
  if (typeof source === 'object' && source !== null) return statusByResult.get(source);
  return undefined;
}
