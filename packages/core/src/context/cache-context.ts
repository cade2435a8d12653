// The only module that touches a Node built-in: AsyncLocalStorage is the runtime seam. It also
// exists in Deno, Bun and edge runtimes that offer `node:async_hooks`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { CachecoreError } from '../errors/cachecore-error';
import { encodeCacheControlOption } from '../headers/cache-control-option';
import type { Dep } from '../headers/dep';
import { type DepInput, encodeDepsHeader, normalizeDeps } from '../headers/encode-deps-header';
import type { CacheControlOptions } from '../protocol/cache-control';

/** The Cachecore options in effect for requests made inside a scope. */
export interface CacheContext {
  /** Dependencies attached to every gateway request in the scope. */
  readonly deps: readonly Dep[];
  /** Whether gateway requests in the scope skip the cache. */
  readonly bypass: boolean;
  /** Cache directives of every gateway request in the scope, when the scope (or an outer one) set them. */
  readonly cacheControl?: Readonly<CacheControlOptions>;
}

/** Options of a scope opened with {@link runWithCacheContext} or `cc.requestContext()`. */
export interface CacheContextOptions {
  /**
   * Dependencies to attach to every gateway request in the scope. In a nested scope they
   * **replace** the outer scope's deps (they are not merged); leave them out to keep the outer ones.
   * @default [] (or the outer scope's deps)
   */
  deps?: ReadonlyArray<DepInput>;
  /**
   * Skip the cache for every gateway request in the scope: the tenant token is removed, so the
   * gateway forwards upstream without reading or writing the cache.
   * @default false (or the outer scope's value)
   */
  bypass?: boolean;
  /**
   * Cache directives for every gateway request in the scope, sent as a Cache-Control request
   * header (see `cachecoreHeaders`). In a nested scope they replace the outer ones as a whole.
   * @default none (or the outer scope's)
   */
  cacheControl?: CacheControlOptions;
}

/**
 * What is kept in the AsyncLocalStorage. Its shape is shared by every installed copy of this package
 * (the storage sits under a versioned global key), so fields may be added but never changed.
 */
interface StoredCacheContext extends CacheContext {
  /** The deps pre-encoded once at scope entry, so requests do not re-encode them. */
  readonly depsHeader?: string;
  /** The Cache-Control value of the scope's `cacheControl`, `''` or absent for none. */
  readonly cacheControlHeader?: string;
}

// Versioned and registered with Symbol.for so that two copies of @cachecore/core (e.g. one
// bundled by an adapter, one installed by the app) read and write the same scope.
const storageKey = Symbol.for('@cachecore/core/context@1');

function findStorage(): AsyncLocalStorage<StoredCacheContext> | undefined {
  return (globalThis as Record<symbol, AsyncLocalStorage<StoredCacheContext> | undefined>)[
    storageKey
  ];
}

// Created on first use rather than at import time, so importing the package has no side effects.
function getOrCreateStorage(): AsyncLocalStorage<StoredCacheContext> {
  const existing = findStorage();
  if (existing) return existing;
  const storage = new AsyncLocalStorage<StoredCacheContext>();
  (globalThis as Record<symbol, unknown>)[storageKey] = storage;
  return storage;
}

/**
 * Runs `fn` in a scope where every gateway request made through `cc.fetch` (including those the
 * scope's async work starts later) carries the scope's deps and bypass setting. Concurrent scopes
 * never see each other's options. A nested scope overrides the outer one field by field inside it:
 * given `deps` replace the outer deps, given `bypass` replaces the outer bypass, omitted fields are
 * inherited. Deps are validated here, so bad input throws a `CachecoreError` before any request.
 * Returns whatever `fn` returns (a promise for an async `fn`).
 *
 * @example
 * ```ts
 * const answer = await runWithCacheContext({ deps: ['table:products'] }, () =>
 *   openai.chat.completions.create({ model: 'gpt-4o-mini', messages }),
 * );
 * ```
 */
export function runWithCacheContext<Result>(
  options: CacheContextOptions,
  fn: () => Result,
): Result {
  if (options === null || typeof options !== 'object') {
    throw new CachecoreError('Invalid cache context options: expected an object.', {
      code: 'invalid_options',
    });
  }
  if (typeof fn !== 'function') {
    throw new CachecoreError('runWithCacheContext needs a function to run in the scope.', {
      code: 'invalid_options',
    });
  }
  if (options.bypass !== undefined && typeof options.bypass !== 'boolean') {
    throw new CachecoreError(
      `Invalid bypass option: expected true or false, got ${typeof options.bypass}.`,
      { code: 'invalid_bypass' },
    );
  }
  const cacheControlHeader =
    options.cacheControl === undefined ? undefined : encodeCacheControlOption(options.cacheControl);
  const storage = getOrCreateStorage();
  const outer = storage.getStore();
  let next: StoredCacheContext;
  if (options.deps !== undefined) {
    const deps = Object.freeze(normalizeDeps(options.deps));
    next = {
      deps,
      bypass: options.bypass ?? outer?.bypass ?? false,
      depsHeader: deps.length > 0 ? encodeDepsHeader(deps) : undefined,
    };
  } else {
    next = {
      deps: outer?.deps ?? Object.freeze([]),
      bypass: options.bypass ?? outer?.bypass ?? false,
      depsHeader: outer?.depsHeader,
    };
  }
  next =
    cacheControlHeader === undefined
      ? {
          ...next,
          cacheControl: outer?.cacheControl,
          cacheControlHeader: outer?.cacheControlHeader,
        }
      : {
          ...next,
          cacheControl: Object.freeze({ ...options.cacheControl }),
          cacheControlHeader,
        };
  return storage.run(Object.freeze(next), fn);
}

/**
 * The Cachecore options of the current scope, or `undefined` outside any scope.
 *
 * @example
 * ```ts
 * runWithCacheContext({ deps: ['table:orders'] }, () => {
 *   getCacheContext(); // → { deps: [Dep { id: 'table:orders', hash: 'v1' }], bypass: false }
 * });
 * ```
 */
export function getCacheContext(): CacheContext | undefined {
  const stored = findStorage()?.getStore();
  if (!stored) return undefined;
  const { deps, bypass, cacheControl } = stored;
  return cacheControl === undefined ? { deps, bypass } : { deps, bypass, cacheControl };
}

/** The scope as the transport needs it (deps pre-encoded when possible), or `undefined` outside any scope. */
export function readScopedRequestOptions():
  | { depsHeader: string | undefined; bypass: boolean; cacheControlHeader: string | undefined }
  | undefined {
  const stored = findStorage()?.getStore();
  if (!stored) return undefined;
  const { bypass, cacheControlHeader } = stored;
  if (stored.depsHeader !== undefined || stored.deps.length === 0) {
    return { depsHeader: stored.depsHeader, bypass, cacheControlHeader };
  }
  return { depsHeader: encodeDepsHeader(stored.deps), bypass, cacheControlHeader };
}
