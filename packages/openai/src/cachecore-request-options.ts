import { type CachecoreHeadersOptions, cachecoreHeaders } from '@cachecore/core';

/** Per-request OpenAI options carrying Cachecore settings, to merge into a call's 2nd argument. */
export interface CachecoreRequestOptions {
  /** `X-Cachecore-Deps` and the bypass directive, as built by core's `cachecoreHeaders`. */
  headers: Record<string, string>;
}

/**
 * OpenAI request options that apply Cachecore settings to one call, without a
 * `requestContext` scope. Deps and bypass set here win over the surrounding scope, and the SDK
 * sends the same headers again on each retry. Throws a `CachecoreError` (`invalid_deps`) for
 * invalid deps before any network call.
 *
 * To combine with other request options, spread it and merge `headers` yourself.
 *
 * @example
 * ```ts
 * await openai.chat.completions.create(
 *   body,
 *   cachecoreRequestOptions({ deps: ['doc:42', new Dep('table:prices', { hash: 'v7' })] }),
 * );
 * ```
 */
export function cachecoreRequestOptions(
  options: CachecoreHeadersOptions = {},
): CachecoreRequestOptions {
  return { headers: cachecoreHeaders(options) };
}
