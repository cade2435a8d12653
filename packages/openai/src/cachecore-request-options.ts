import { type CachecoreHeadersOptions, cachecoreHeaders } from '@cachecore/core';

/** Per-request OpenAI options carrying Cachecore settings, to merge into a call's 2nd argument. */
export interface CachecoreRequestOptions {
  /**
   * `X-Cachecore-Deps`, the bypass directive and `Cache-Control` (cache directives), as built by
   * core's `cachecoreHeaders`.
   */
  headers: Record<string, string>;
}

/**
 * OpenAI request options that apply Cachecore settings to one call, without a
 * `requestContext` scope: `deps`, `bypass` and `cacheControl` (`noStore`, `noCache`,
 * `maxAgeSeconds`, `ttlSeconds`). Each one set here wins over the surrounding scope, and the SDK
 * sends the same headers again on each retry. Throws a `CachecoreError` (`invalid_deps`,
 * `invalid_bypass`, `invalid_options`) for invalid settings before any network call.
 *
 * To combine with other request options, spread it and merge `headers` (core's `mergeHeaders`
 * merges them the way the SDK does).
 *
 * @example
 * ```ts
 * await openai.chat.completions.create(
 *   body,
 *   cachecoreRequestOptions({
 *     deps: ['doc:42', new Dep('table:prices', { hash: 'v7' })],
 *     cacheControl: { ttlSeconds: 600 },
 *   }),
 * );
 * ```
 */
export function cachecoreRequestOptions(
  options: CachecoreHeadersOptions = {},
): CachecoreRequestOptions {
  return { headers: cachecoreHeaders(options) };
}
