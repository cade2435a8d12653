import { type CacheContext, getCacheContext } from '../context/cache-context';
import { CachecoreError } from '../errors/cachecore-error';
import type { CachecoreHeadersOptions } from '../headers/cachecore-headers';
import { normalizeDeps } from '../headers/encode-deps-header';

/**
 * The Cachecore options in effect for one request: every field resolved, so that the request can
 * carry all of them explicitly (as headers) and no longer depends on the async context it is sent
 * from. Fields that later versions add to the per-request options appear here too.
 */
export type ResolvedCacheOptions = CacheContext & Omit<CachecoreHeadersOptions, keyof CacheContext>;

/**
 * Resolves one call's Cachecore options against the surrounding scope, field by field: a field the
 * call sets wins, a field it leaves out (`undefined`) comes from the scope, then from the default
 * (no deps, no bypass, no cache directives: `cacheControl: {}`). `cacheControl` is replaced as a
 * whole, like deps. Deps are replaced, never merged, so an explicit empty list means "no deps"
 * even inside a scope that has some; `bypass: false` forces a cached request inside a bypass scope.
 * The deps are validated here (a `CachecoreError` with `code: 'invalid_deps'` before any request).
 *
 * Adapters call it where the host SDK still runs in the caller's async context, and put the result
 * on the request with {@link cachecoreHeaders}, so that queues or callbacks that run the request
 * elsewhere cannot change its options.
 *
 * @param callOptions - The call's own options; `undefined` follows the scope entirely.
 * @param scope - The scope to resolve against.
 * @default scope: the current scope ({@link getCacheContext})
 *
 * @example
 * ```ts
 * runWithCacheContext({ deps: ['table:products'], bypass: true }, () => {
 *   resolveCacheOptions({ bypass: false });
 *   // → { deps: [Dep { id: 'table:products', hash: 'v1' }], bypass: false, cacheControl: {} }
 * });
 * ```
 */
export function resolveCacheOptions(
  callOptions: CachecoreHeadersOptions | undefined,
  scope: CacheContext | undefined = getCacheContext(),
): ResolvedCacheOptions {
  if (callOptions !== undefined && (callOptions === null || typeof callOptions !== 'object')) {
    throw new CachecoreError(
      `Invalid Cachecore call options: expected an object like { deps, bypass }, got ${callOptions === null ? 'null' : typeof callOptions}.`,
      { code: 'invalid_options' },
    );
  }
  // Generic over the fields, so that an option added to the per-request options resolves the same
  // way without a change here: what the call sets, else what the scope has.
  // `cacheControl: {}` is "no directives", sent explicitly like the other defaults.
  const resolved: Record<string, unknown> = { deps: [], bypass: false, cacheControl: {}, ...scope };
  for (const [field, value] of Object.entries(callOptions ?? {})) {
    if (value !== undefined) resolved[field] = value;
  }
  if (callOptions?.deps !== undefined)
    resolved.deps = Object.freeze(normalizeDeps(callOptions.deps));
  if (typeof resolved.bypass !== 'boolean') {
    throw new CachecoreError(
      `Invalid bypass option: expected true or false, got ${typeof resolved.bypass}.`,
      { code: 'invalid_bypass' },
    );
  }
  return resolved as unknown as ResolvedCacheOptions;
}
