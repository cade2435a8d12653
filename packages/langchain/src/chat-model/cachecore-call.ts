import {
  type CachecoreHeadersOptions,
  CacheStatus,
  cachecoreHeaders,
  resolveCacheOptions,
} from '@cachecore/core';
import { CALL_CORRELATION_HEADER_LOWER } from '@cachecore/core/protocol';

/**
 * The `cachecore` call option: per-call Cachecore settings (`deps`, `bypass`, `cacheControl`), the same fields as
 * core's per-request options. Each field given wins over the surrounding `requestContext()` scope;
 * `deps` replace the scope's deps (an empty list means none), `bypass: false` caches the call even
 * inside a bypass scope.
 * @default the scope's settings
 */
export type CachecoreCallSettings = CachecoreHeadersOptions;

/**
 * One model call's Cachecore request: the headers that carry its options, and the cache status of
 * the response once it has arrived.
 */
export interface CachecoreCall {
  /** Headers for the openai client's per-request `headers` option. */
  readonly headers: Readonly<Record<string, string>>;
  /** The cache status of the last response received for this call, once there is one. */
  readonly status: CacheStatus | undefined;
}

interface OpenCall extends CachecoreCall {
  status: CacheStatus | undefined;
}

// Correlates a request seen by the fetch with the model call that made it. The id travels as a
// request header because it is the one thing the openai client hands to `fetch` unchanged on every
// attempt; the fetch removes it before anything goes on the wire.
const CALL_ID_HEADER = CALL_CORRELATION_HEADER_LOWER;

const openCalls = new Map<string, OpenCall>();

/**
 * Resolves a call's Cachecore options against the surrounding scope (core's `resolveCacheOptions`)
 * and opens a call record that {@link createCallTrackingFetch} fills in with the response's cache
 * status. Must run in the caller's async context, before LangChain's request queue. Throws a
 * `CachecoreError` for invalid deps. Close the call with {@link closeCachecoreCall}.
 */
export function openCachecoreCall(settings: CachecoreCallSettings | undefined): CachecoreCall {
  const id = crypto.randomUUID();
  const call: OpenCall = {
    // Every option is sent explicitly (an empty deps list included): see createCallTrackingFetch.
    headers: { ...cachecoreHeaders(resolveCacheOptions(settings)), [CALL_ID_HEADER]: id },
    status: undefined,
  };
  openCalls.set(id, call);
  return call;
}

/** Forgets a call opened with {@link openCachecoreCall}. */
export function closeCachecoreCall(call: CachecoreCall): void {
  const id = call.headers[CALL_ID_HEADER];
  if (id !== undefined) openCalls.delete(id);
}

/**
 * Wraps the Cachecore transport for the openai client inside the model: requests made by a model
 * call are sent with exactly that call's options and their response's cache status is recorded on
 * the call. Requests without a call id pass through untouched.
 */
export function createCallTrackingFetch(transport: typeof fetch): typeof fetch {
  return async function callTrackingFetch(input, init) {
    const headers = new Headers(init?.headers);
    const id = headers.get(CALL_ID_HEADER);
    if (id === null) return transport(input, init);
    headers.delete(CALL_ID_HEADER);
    // With `maxConcurrency`, LangChain's queue starts a waiting request from another request's
    // completion, so this code may run inside *that* request's scope. That is harmless: the call's
    // own options are on the request as explicit headers, and explicit headers win over any scope.
    const response = await transport(input, { ...init, headers });
    const call = openCalls.get(id);
    if (call) call.status = CacheStatus.fromHeaders(response.headers);
    return response;
  };
}
