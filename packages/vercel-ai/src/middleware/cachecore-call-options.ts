import { type CacheControlOptions, CachecoreError, type DepLike } from '@cachecore/core';

/** The key of the Cachecore options inside a call's `providerOptions`. */
export const CACHECORE_OPTIONS_KEY = 'cachecore';

/**
 * Per-call Cachecore options, passed as `providerOptions.cachecore` to `generateText`, `streamText`
 * and the other AI SDK functions. They win over a `requestContext` scope wrapping the call.
 *
 * @example
 * ```ts
 * await generateText({
 *   model: cachecore('gpt-4o-mini'),
 *   prompt: 'Summarise contract 123',
 *   providerOptions: { cachecore: { deps: ['doc:contract-123'] } },
 * });
 * ```
 */
export type CachecoreCallOptions = {
  // A type alias, not an interface: the AI SDK types providerOptions as JSON objects, which need
  // an index signature that only aliases get implicitly.
  /**
   * Dependency tags of this answer: bare ids (hash `'v1'`) or `{ id, hash }` objects. The AI SDK
   * types `providerOptions` as JSON, so these are plain values rather than `Dep` instances (which
   * are accepted at run time too). Replaces the deps of a scope wrapping the call.
   */
  deps?: Array<string | DepLike>;
  /**
   * Skip the cache for this call (`true`), or force a cached call inside a bypass scope (`false`).
   * @default the scope's setting, otherwise false
   */
  bypass?: boolean;
  /**
   * Cache directives of this call, sent as a `Cache-Control` request header: `noStore` (answer, but
   * do not write the answer), `noCache` (skip the read and refresh the entry), `maxAgeSeconds`
   * (accept only an entry at most that old), `ttlSeconds` (TTL of the entry this call writes).
   * Replaces the directives of a scope wrapping the call; `{}` sends none.
   * @default the scope's directives, otherwise none
   */
  // A mapped copy of core's interface: providerOptions values must be JSON-typed aliases.
  cacheControl?: Pick<CacheControlOptions, keyof CacheControlOptions>;
};

const knownKeys = new Set(['deps', 'bypass', 'cacheControl']);

/**
 * Checks the shape of `providerOptions.cachecore` and returns it typed, or `undefined` when absent.
 * The deps themselves are validated by core when they are encoded. Throws a `CachecoreError`
 * before any network call, so a typo such as `{ dep: [...] }` never silently caches without tags.
 */
export function parseCachecoreCallOptions(value: unknown): CachecoreCallOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore: expected an object like { deps, bypass, cacheControl }, got ${describe(value)}.`,
      { code: 'invalid_options' },
    );
  }
  const unknownKeys = Object.keys(value).filter((key) => !knownKeys.has(key));
  if (unknownKeys.length > 0) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore: unknown option ${unknownKeys.map((key) => `"${key}"`).join(', ')}; the options are "deps", "bypass" and "cacheControl".`,
      { code: 'invalid_options' },
    );
  }
  const { deps, bypass, cacheControl } = value as Record<string, unknown>;
  if (deps !== undefined && !Array.isArray(deps)) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore.deps: expected an array of Dep or string ids, got ${describe(deps)}.`,
      { code: 'invalid_deps' },
    );
  }
  if (bypass !== undefined && typeof bypass !== 'boolean') {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore.bypass: expected a boolean, got ${describe(bypass)}.`,
      { code: 'invalid_bypass' },
    );
  }
  // The directives themselves are validated by core when they are encoded.
  if (cacheControl !== undefined && (typeof cacheControl !== 'object' || cacheControl === null)) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore.cacheControl: expected an object like { noStore: true }, got ${describe(cacheControl)}.`,
      { code: 'invalid_options' },
    );
  }
  return {
    deps: deps as CachecoreCallOptions['deps'],
    bypass,
    cacheControl: cacheControl as CachecoreCallOptions['cacheControl'],
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : typeof value;
}
