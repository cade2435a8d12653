import { type CacheContextOptions, runWithCacheContext } from './context/cache-context';
import { CachecoreError } from './errors/cachecore-error';
import { type CachecoreHeadersOptions, cachecoreHeaders } from './headers/cachecore-headers';
import type { Dep } from './headers/dep';
import {
  type InvalidateOptions,
  type InvalidateResult,
  type InvalidateSuccess,
  invalidateDep,
} from './invalidation/invalidate-dep';
import { invalidateManyDeps } from './invalidation/invalidate-many-deps';
import {
  type CachecoreLogger,
  type CacheStatusListener,
  createCachecoreFetch,
} from './transport/create-cachecore-fetch';

/** Options of {@link CachecoreClient}. */
export interface CachecoreClientOptions {
  /**
   * Root URL of the Cachecore gateway, **without** `/v1` (a trailing slash is fine). SDKs get
   * `cc.baseURL`, which adds `/v1`.
   * @example 'https://gateway.cachecore.it'
   */
  gatewayUrl: string | URL;
  /**
   * The tenant token: a bare JWT (`eyJ…`) or one with its key prefix (`cc_<kind>_<id>.eyJ…`, such
   * as `cc_live_…` or `cc_test_…`). Sent as given in the X-Cachecore-Token header, only to the
   * gateway's origin. Surrounding whitespace is ignored.
   */
  tenantJwt: string;
  /**
   * Timeout in milliseconds of each management call attempt (`invalidate`). Model requests made
   * through `cc.fetch` are not timed out by the client: the SDK's own timeout applies.
   * @default 30_000
   */
  timeout?: number;
  /**
   * Log one line per gateway response (method, path, cache status, similarity, age) to `logger`.
   * @default false
   */
  debug?: boolean;
  /**
   * The fetch that requests are finally sent with.
   * @default globalThis.fetch (looked up on each call)
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Called after every gateway response with its cache status and the request's method and URL.
   * Errors it throws (or rejections it returns) are logged, never passed to the request.
   * @default undefined
   */
  onCacheStatus?: CacheStatusListener;
  /**
   * Where debug lines go.
   * @default console.debug
   */
  logger?: CachecoreLogger;
}

/**
 * The Cachecore client: a `fetch` transport for any OpenAI-compatible SDK, request scopes for deps
 * and bypass, and cache invalidation.
 *
 * @example
 * ```ts
 * import OpenAI from 'openai';
 * import { CachecoreClient, PLACEHOLDER_API_KEY } from '@cachecore/core';
 *
 * await using cc = new CachecoreClient({
 *   gatewayUrl: process.env.CACHECORE_GATEWAY_URL!,
 *   tenantJwt: process.env.CACHECORE_TENANT_JWT!,
 * });
 * // The gateway holds the provider key; the SDK only needs some apiKey to start.
 * const openai = new OpenAI({ baseURL: cc.baseURL, fetch: cc.fetch, apiKey: PLACEHOLDER_API_KEY });
 *
 * await cc.requestContext({ deps: ['table:products'] }, () =>
 *   openai.chat.completions.create({ model: 'gpt-4o-mini', messages }),
 * );
 * await cc.invalidate('table:products', { newHash: 'v2' });
 * ```
 */
export class CachecoreClient {
  /** The gateway root URL, normalised: no trailing slash, no `/v1`. */
  readonly gatewayUrl: string;
  /** `${gatewayUrl}/v1`: the base URL to give an OpenAI-compatible SDK. */
  readonly baseURL: string;
  /**
   * The transport; pass it to any SDK's `fetch` option. For requests to the gateway's origin it adds
   * the tenant token and the current scope's deps and cache directives, applies bypass, follows
   * redirects without carrying the token to another origin, and reports the cache status.
   * Requests to any other origin go out untouched, without token or deps. It never reads the
   * response body and never throws for an HTTP status. It keeps working after `close()` so that
   * in-flight SDK calls finish.
   */
  readonly fetch: typeof globalThis.fetch;

  readonly #tenantToken: string;
  readonly #timeout: number;
  readonly #baseFetch: typeof globalThis.fetch | undefined;
  readonly #pendingInvalidations = new Set<Promise<unknown>>();
  #closed = false;

  constructor(options: CachecoreClientOptions) {
    if (options === null || typeof options !== 'object') {
      throw new CachecoreError(
        'CachecoreClient needs an options object with gatewayUrl and tenantJwt.',
        { code: 'invalid_options' },
      );
    }
    const gateway = parseGatewayUrl(options.gatewayUrl);
    this.#tenantToken = parseTenantToken(options.tenantJwt);
    this.#timeout = parseTimeout(options.timeout);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new CachecoreError('Invalid fetch option: expected a function.', {
        code: 'invalid_options',
      });
    }
    this.#baseFetch = options.fetch;
    this.gatewayUrl = gateway.origin;
    this.baseURL = `${gateway.origin}/v1`;
    this.fetch = createCachecoreFetch({
      gatewayOrigin: gateway.origin,
      tenantToken: this.#tenantToken,
      fetch: options.fetch,
      onCacheStatus: options.onCacheStatus,
      debug: options.debug ?? false,
      logger: options.logger,
    });
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `fn` in a scope whose gateway requests carry these deps, bypass setting and cache
   * directives; same as {@link runWithCacheContext}. Nested scopes override field by field (deps
   * and cache directives are replaced, not merged).
   *
   * @example
   * ```ts
   * const reply = await cc.requestContext({ deps: [new Dep('table:products'), 'table:orders'] }, () =>
   *   openai.chat.completions.create(body),
   * );
   * ```
   */
  requestContext<Result>(options: CacheContextOptions, fn: () => Result): Result {
    return runWithCacheContext(options, fn);
  }

  /**
   * The Cachecore headers for one request, for an SDK's per-request `headers` option; same as
   * {@link cachecoreHeaders}.
   *
   * @example
   * ```ts
   * await openai.chat.completions.create(body, { headers: cc.headers({ bypass: true }) });
   * ```
   */
  headers(options: CachecoreHeadersOptions = {}): Record<string, string> {
    return cachecoreHeaders(options);
  }

  /**
   * Invalidates a dependency: the gateway sets its current hash to `newHash` and deletes every
   * cache entry tagged with it. `429` and `5xx` answers are retried at most twice (honouring a
   * `Retry-After` of up to 10 s); `401`/`403` throw {@link CachecoreAuthError}, `429` finally
   * {@link CachecoreRateLimitError}, anything else a {@link CachecoreError} (`code` `'timeout'`,
   * `'network'`, `'aborted'`, `'bad_request'`, `'server_error'`…).
   *
   * @example
   * ```ts
   * const { keysDeleted } = await cc.invalidate('table:products', { newHash: 'v2' });
   * ```
   */
  async invalidate(
    depId: string | Dep,
    options: InvalidateOptions = {},
  ): Promise<InvalidateSuccess> {
    this.#assertOpen('invalidate');
    return this.#track(
      invalidateDep({
        depId: typeof depId === 'string' ? depId : depId?.id,
        newHash: options.newHash,
        signal: options.signal,
        gatewayUrl: this.gatewayUrl,
        tenantToken: this.#tenantToken,
        timeout: this.#timeout,
        fetch: this.#baseFetch ?? globalThis.fetch,
      }),
    );
  }

  /**
   * Invalidates several dependencies concurrently (one call each, the gateway has no bulk
   * endpoint) and returns one result per dependency, in order. Never rejects because one failed:
   * that entry is `{ depId, ok: false, error }`.
   *
   * @example
   * ```ts
   * const results = await cc.invalidateMany(['table:orders', 'table:products']);
   * const failed = results.filter((result) => !result.ok);
   * ```
   */
  async invalidateMany(
    depIds: ReadonlyArray<string | Dep>,
    options: Pick<InvalidateOptions, 'signal'> = {},
  ): Promise<InvalidateResult[]> {
    this.#assertOpen('invalidateMany');
    if (!Array.isArray(depIds)) {
      throw new CachecoreError('invalidateMany needs an array of dependency ids.', {
        code: 'invalid_deps',
      });
    }
    const ids = depIds.map((depId) => (typeof depId === 'string' ? depId : depId?.id));
    return invalidateManyDeps(ids, (depId) => this.invalidate(depId, { signal: options.signal }));
  }

  /**
   * Closes the client: later `invalidate` calls throw a `CachecoreError` (`'client_closed'`);
   * invalidations already running are awaited. `fetch` keeps working so that in-flight SDK calls
   * finish. Also called by `await using`.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pendingInvalidations]);
  }

  /** Same as {@link CachecoreClient.close}, for `await using cc = new CachecoreClient(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(operation: string): void {
    if (this.#closed) {
      throw new CachecoreError(`Cannot ${operation}: this CachecoreClient has been closed.`, {
        code: 'client_closed',
      });
    }
  }

  #track<Value>(promise: Promise<Value>): Promise<Value> {
    this.#pendingInvalidations.add(promise);
    const forget = () => this.#pendingInvalidations.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

function parseGatewayUrl(value: unknown): URL {
  const hint = 'Pass the gateway root, e.g. "https://gateway.cachecore.it" (without /v1).';
  if (!(typeof value === 'string' || value instanceof URL) || String(value).trim() === '') {
    throw new CachecoreError(`Invalid gatewayUrl: it is missing or empty. ${hint}`, {
      code: 'invalid_options',
    });
  }
  let url: URL;
  try {
    url = new URL(String(value).trim());
  } catch (cause) {
    throw new CachecoreError(`Invalid gatewayUrl "${String(value)}": not a URL. ${hint}`, {
      code: 'invalid_options',
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CachecoreError(
      `Invalid gatewayUrl "${String(value)}": only http and https are supported. ${hint}`,
      { code: 'invalid_options' },
    );
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new CachecoreError(
      `Invalid gatewayUrl "${String(value)}": it has the path "${url.pathname}". ${hint}`,
      { code: 'invalid_options' },
    );
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new CachecoreError(
      `Invalid gatewayUrl "${url.origin}…": it must not carry credentials, a query or a fragment. ${hint}`,
      { code: 'invalid_options' },
    );
  }
  return url;
}

function parseTenantToken(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CachecoreError(
      'Invalid tenantJwt: it is missing or empty. Pass the tenant token (eyJ… or cc_<kind>_<id>.eyJ…).',
      { code: 'invalid_options' },
    );
  }
  const token = value.trim();
  if (/\s/.test(token)) {
    throw new CachecoreError(
      'Invalid tenantJwt: it contains whitespace. Pass the bare token, without "Bearer ".',
      { code: 'invalid_options' },
    );
  }
  return token;
}

function parseTimeout(value: unknown): number {
  if (value === undefined) return 30_000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new CachecoreError(
      `Invalid timeout ${String(value)}: expected a positive number of milliseconds.`,
      { code: 'invalid_options' },
    );
  }
  return value;
}
