import { CachecoreError, type DepLike } from '@cachecore/core';

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
};

const knownKeys = new Set(['deps', 'bypass']);

/**
 * Checks the shape of `providerOptions.cachecore` and returns it typed, or `undefined` when absent.
 * The deps themselves are validated by core when they are encoded. Throws a `CachecoreError`
 * before any network call, so a typo such as `{ dep: [...] }` never silently caches without tags.
 */
export function parseCachecoreCallOptions(value: unknown): CachecoreCallOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore: expected an object like { deps, bypass }, got ${describe(value)}.`,
      { code: 'invalid_options' },
    );
  }
  const unknownKeys = Object.keys(value).filter((key) => !knownKeys.has(key));
  if (unknownKeys.length > 0) {
    throw new CachecoreError(
      `Invalid providerOptions.cachecore: unknown option ${unknownKeys.map((key) => `"${key}"`).join(', ')}; the options are "deps" and "bypass".`,
      { code: 'invalid_options' },
    );
  }
  const { deps, bypass } = value as Record<string, unknown>;
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
  return { deps: deps as CachecoreCallOptions['deps'], bypass };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : typeof value;
}
