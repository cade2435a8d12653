import { readScopedRequestOptions } from '../context/cache-context';
import { parseBypassDirective } from '../headers/cachecore-headers';
import { readHeader } from '../headers/read-header';
import { formatSimilarity } from '../protocol/cache-headers';
import {
  BYPASS_DIRECTIVE_HEADER,
  BYPASS_TOKEN_HEADER,
  CACHE_CONTROL_HEADER,
  DEPS_HEADER,
  TOKEN_HEADER,
} from '../protocol/header-names';
import { isTenantBearerAuthorization } from '../protocol/tenant-token';
import { type CacheStatus, parseCacheStatus } from '../status/cache-status';
import { fetchFollowingRedirects } from './follow-redirects';

/** The request a cache status belongs to, as passed to `onCacheStatus`. */
export interface CacheStatusRequest {
  /** HTTP method, upper-case. */
  method: string;
  /** Full request URL. */
  url: string;
}

/** Called after every gateway response with its cache status. */
export type CacheStatusListener = (status: CacheStatus, request: CacheStatusRequest) => unknown;

/** Receives one debug line per gateway response (and errors thrown by `onCacheStatus`). */
export type CachecoreLogger = (message: string) => void;

/** Settings of {@link createCachecoreFetch}; `CachecoreClient` fills them from its options. */
export interface CachecoreFetchSettings {
  /** Origin (`protocol://host:port`) of the gateway; only requests to it are touched. */
  gatewayOrigin: string;
  /** The tenant token, sent as given in X-Cachecore-Token. */
  tenantToken: string;
  /** Base fetch; `globalThis.fetch` (looked up per call) when absent. */
  fetch?: typeof globalThis.fetch;
  onCacheStatus?: CacheStatusListener;
  debug?: boolean;
  logger?: CachecoreLogger;
}

/**
 * Builds the transport: a `fetch` that adds the tenant token, the scope's deps and cache directives
 * to requests for the gateway's origin, applies bypass, follows the gateway's redirects without
 * carrying the token to another origin, reports cache statuses, and leaves everything else alone.
 * It never reads the response body and never throws for an HTTP status.
 */
export function createCachecoreFetch(settings: CachecoreFetchSettings): typeof globalThis.fetch {
  const { gatewayOrigin, tenantToken } = settings;
  const gatewayPrefix = `${gatewayOrigin}/`;
  // Most URLs an SDK builds start with the normalised origin: a string check avoids parsing them.
  // Anything else (other casing, default port spelled out, …) is parsed to compare origins exactly.
  const isGatewayUrl = (url: string) =>
    url.startsWith(gatewayPrefix) || originOf(url) === gatewayOrigin;
  const logger: CachecoreLogger = settings.logger ?? ((message) => console.debug(message));

  function reportCacheStatus(response: Response, method: string, url: string): void {
    if (!settings.onCacheStatus && !settings.debug) return;
    const status = parseCacheStatus(response.headers);
    if (settings.onCacheStatus) {
      try {
        const result = settings.onCacheStatus(status, { method, url });
        if (isPromiseLike(result)) {
          result.then(undefined, (error: unknown) => logListenerError(logger, error));
        }
      } catch (error) {
        logListenerError(logger, error);
      }
    }
    if (settings.debug) {
      try {
        logger(formatDebugLine(method, url, status));
      } catch {
        // A broken logger must not fail the request it describes.
      }
    }
  }

  const reportsStatus = settings.onCacheStatus !== undefined || settings.debug === true;

  // Not an async function: requests to other origins get the base fetch's own promise as is, and
  // on the gateway path the cost stays a few header operations before the network call.
  return function cachecoreFetch(input, init) {
    try {
      const baseFetch = settings.fetch ?? globalThis.fetch;
      const request = isRequest(input) ? input : undefined;
      const url = request ? request.url : String(input);
      // fetch uses init.headers *instead of* the Request's headers when both are given.
      const sourceHeaders = init?.headers != null ? init.headers : request?.headers;
      const bypassDirective = readHeader(sourceHeaders, BYPASS_DIRECTIVE_HEADER);

      if (!isGatewayUrl(url)) {
        // Not the gateway: untouched, except that our client-side directive never goes on the wire.
        if (bypassDirective === null) return baseFetch(input, init);
        const headers = new Headers(sourceHeaders);
        headers.delete(BYPASS_DIRECTIVE_HEADER);
        return baseFetch(input, { ...init, headers });
      }

      const headers = new Headers(sourceHeaders);
      if (bypassDirective !== null) headers.delete(BYPASS_DIRECTIVE_HEADER);
      const scope = readScopedRequestOptions();
      const bypass = parseBypassDirective(bypassDirective) ?? scope?.bypass ?? false;

      if (bypass) {
        // The gateway treats a request without a tenant token as bypass; an SDK's `Authorization`
        // carrying the same token would still identify the tenant, so it goes too. The token
        // travels in its own header instead, so a gateway can authorise the bypass and rate-limit
        // it per tenant (PROTOCOL §1.4); one that does not know the header ignores it.
        headers.delete(TOKEN_HEADER);
        if (isTenantBearerAuthorization(headers.get('authorization'), tenantToken)) {
          headers.delete('authorization');
        }
        headers.set(BYPASS_TOKEN_HEADER, tenantToken);
      } else {
        // Explicit request headers win over the client and the scope.
        if (!headers.has(TOKEN_HEADER)) headers.set(TOKEN_HEADER, tenantToken);
        if (scope?.depsHeader !== undefined && !headers.has(DEPS_HEADER)) {
          headers.set(DEPS_HEADER, scope.depsHeader);
        }
        if (scope?.cacheControlHeader && !headers.has(CACHE_CONTROL_HEADER)) {
          headers.set(CACHE_CONTROL_HEADER, scope.cacheControlHeader);
        }
      }
      // An empty value is `cachecoreHeaders({ cacheControl: {} })`: it has kept the scope's
      // directives off this request, and has nothing to say on the wire.
      if (headers.get(CACHE_CONTROL_HEADER) === '') headers.delete(CACHE_CONTROL_HEADER);

      const pending = fetchFollowingRedirects(
        baseFetch,
        input,
        { ...init, headers },
        request?.body,
      );
      if (!reportsStatus) return pending;
      const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
      return pending.then((response) => {
        // A redirect may have ended on another origin: that answer is not the gateway's.
        if (response.url === '' || isGatewayUrl(response.url)) {
          reportCacheStatus(response, method, url);
        }
        return response;
      });
    } catch (error) {
      // Bad input (e.g. an invalid bypass directive) rejects like fetch does, never throws.
      return Promise.reject(error);
    }
  };
}

function isRequest(input: unknown): input is Request {
  if (typeof Request !== 'undefined' && input instanceof Request) return true;
  // A Request from another fetch implementation (e.g. an undici copy) fails instanceof.
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof URL) &&
    typeof (input as Request).url === 'string' &&
    typeof (input as Request).method === 'string' &&
    typeof (input as Request).headers === 'object'
  );
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function logListenerError(logger: CachecoreLogger, error: unknown): void {
  try {
    logger(`[cachecore] onCacheStatus threw, the request was not affected: ${String(error)}`);
  } catch {
    // Nothing left to report to.
  }
}

function formatDebugLine(method: string, url: string, status: CacheStatus): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Keep the raw URL.
  }
  const similarity = status.similarity === null ? '-' : formatSimilarity(status.similarity);
  const age = status.ageSeconds === null ? '-' : `${status.ageSeconds}s`;
  return `[cachecore] ${method} ${path} ${status.status} similarity=${similarity} age=${age}`;
}
