import {
  CachecoreClient,
  type CachecoreClientOptions,
  CachecoreError,
  PLACEHOLDER_API_KEY,
  resolveGatewayOptions,
} from '@cachecore/core';
import OpenAI, { type APIPromise, type ClientOptions } from 'openai';
import { recordCacheStatus } from './get-cache-status';

/**
 * OpenAI client options that still apply behind the gateway. `baseURL` and `fetch` are owned by
 * Cachecore: the base URL is the gateway's `/v1` and the fetch is the Cachecore transport.
 */
export type OpenAIClientOptions = Omit<ClientOptions, 'baseURL' | 'fetch'>;

/** Options that create a new `CachecoreClient` for the OpenAI client. */
export interface CachecoreOpenAIGatewayOptions extends OpenAIClientOptions {
  /**
   * Root URL of the Cachecore gateway, without `/v1`, e.g. `http://127.0.0.1:8080`.
   * @default process.env.CACHECORE_GATEWAY_URL
   */
  gatewayUrl?: CachecoreClientOptions['gatewayUrl'];
  /**
   * The tenant token (a JWT, bare or with a `cc_live_<id>.` prefix).
   * @default process.env.CACHECORE_TENANT_JWT
   */
  tenantJwt?: string;
  /**
   * Timeout in milliseconds, applied to each OpenAI call attempt and to each Cachecore
   * management call such as `openai.cachecore.invalidate()`.
   * @default 600_000 for OpenAI calls (the SDK's default), 30_000 for Cachecore calls
   */
  timeout?: number;
  /**
   * Log one line per gateway response (method, path, cache status, similarity, age).
   * @default false
   */
  debug?: CachecoreClientOptions['debug'];
  /**
   * Called with the cache status of every gateway response (streams included, before their
   * first chunk), with the request's method and URL.
   */
  onCacheStatus?: CachecoreClientOptions['onCacheStatus'];
  /**
   * The fetch the Cachecore transport finally sends requests with.
   * @default globalThis.fetch
   */
  fetch?: CachecoreClientOptions['fetch'];
  /** Never set together with the gateway options. */
  cachecore?: never;
}

/** Options that reuse an existing `CachecoreClient` (and its scope, logger and transport). */
export interface CachecoreOpenAIClientOptions extends OpenAIClientOptions {
  /** The Cachecore client whose gateway and transport the OpenAI client uses. */
  cachecore: CachecoreClient;
  gatewayUrl?: never;
  tenantJwt?: never;
}

/** Options of {@link createCachecoreOpenAI}: gateway settings or an existing client, plus OpenAI options. */
export type CreateCachecoreOpenAIOptions =
  | CachecoreOpenAIGatewayOptions
  | CachecoreOpenAIClientOptions;

/** The official `OpenAI` client pointed at a Cachecore gateway. */
export type CachecoreOpenAI = OpenAI & {
  /**
   * The Cachecore client behind this OpenAI client: `requestContext()` to scope deps or bypass,
   * `invalidate()` / `invalidateMany()` to expire cached answers, `close()` when done.
   */
  readonly cachecore: CachecoreClient;
};

type CachecoreOpenAIConstructorOptions = ClientOptions & { cachecore: CachecoreClient };

// A subclass rather than a wrapped instance, so `instanceof OpenAI`, every resource and
// `withOptions()` behave exactly as in the SDK. `withOptions()` rebuilds the client through
// `this.constructor` from the stored options, which include `cachecore`, so clones keep it.
class CachecoreOpenAIClient extends OpenAI {
  readonly cachecore: CachecoreClient;

  constructor(options: CachecoreOpenAIConstructorOptions) {
    super(options);
    this.cachecore = options.cachecore;
  }

  // Every non-paginated call (create, parse, stream) goes through `request()` in openai 6 and 7;
  // retries happen below it, so the status recorded is the one of the response actually parsed.
  override request<Rsp>(...args: Parameters<OpenAI['request']>): APIPromise<Rsp> {
    return withRecordedCacheStatus(super.request<Rsp>(...args));
  }
}

// `_thenUnwrap` is how the SDK's own resources post-process a parsed body (chat.completions.parse
// builds a new object; create normalises a stream in place). Recording at every layer means the
// object the caller finally receives is the one that carries the status.
function withRecordedCacheStatus<T>(promise: APIPromise<T>): APIPromise<T> {
  const recorded = promise._thenUnwrap((data, props) => {
    recordCacheStatus(data, props.response);
    return data;
  });
  const thenUnwrap = recorded._thenUnwrap.bind(recorded);
  recorded._thenUnwrap = (transform) => withRecordedCacheStatus(thenUnwrap(transform));
  return recorded;
}

/**
 * Creates the official `OpenAI` client wired to a Cachecore gateway: base URL `${gatewayUrl}/v1`,
 * the Cachecore transport as `fetch` (tenant token and scoped deps on every request, bypass
 * handling), and the cache status of every response recorded for {@link getCacheStatus}.
 *
 * The result is a real `OpenAI` instance (any `ClientOptions` apply, retries included) with a
 * `cachecore` property holding the `CachecoreClient`. `apiKey` defaults to a placeholder: the
 * gateway holds the upstream key. `gatewayUrl` and `tenantJwt` default to the
 * `CACHECORE_GATEWAY_URL` and `CACHECORE_TENANT_JWT` environment variables; a `CachecoreError`
 * names the variable when neither is there.
 *
 * @example
 * ```ts
 * // CACHECORE_GATEWAY_URL and CACHECORE_TENANT_JWT are set in the environment.
 * const openai = createCachecoreOpenAI();
 * const completion = await openai.chat.completions.create({
 *   model: 'gpt-4o-mini',
 *   messages: [{ role: 'user', content: 'What time zone is Tokyo in?' }],
 * });
 * console.log(getCacheStatus(completion)?.status); // 'MISS', then 'HIT_L1'
 * ```
 */
export function createCachecoreOpenAI(options: CreateCachecoreOpenAIOptions = {}): CachecoreOpenAI {
  if (options === null || typeof options !== 'object') {
    throw new CachecoreError('createCachecoreOpenAI needs an options object, or none.', {
      code: 'invalid_options',
    });
  }
  const { cachecore, openaiOptions } = splitOptions(options);
  return new CachecoreOpenAIClient({
    ...openaiOptions,
    apiKey: openaiOptions.apiKey ?? PLACEHOLDER_API_KEY,
    baseURL: cachecore.baseURL,
    fetch: cachecore.fetch,
    cachecore,
  });
}

function splitOptions(options: CreateCachecoreOpenAIOptions): {
  cachecore: CachecoreClient;
  openaiOptions: OpenAIClientOptions;
} {
  if (options.cachecore !== undefined) {
    const { cachecore, ...openaiOptions } = options;
    return { cachecore, openaiOptions };
  }
  const { gatewayUrl, tenantJwt, debug, onCacheStatus, fetch, ...openaiOptions } =
    options as CachecoreOpenAIGatewayOptions;
  const cachecore = new CachecoreClient({
    ...resolveGatewayOptions({ gatewayUrl, tenantJwt }),
    ...(openaiOptions.timeout !== undefined && { timeout: openaiOptions.timeout }),
    ...(debug !== undefined && { debug }),
    ...(onCacheStatus !== undefined && { onCacheStatus }),
    ...(fetch !== undefined && { fetch }),
  });
  return { cachecore, openaiOptions };
}
