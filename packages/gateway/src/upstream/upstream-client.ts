import type { IncomingHttpHeaders } from 'node:http';
import {
  CACHE_RESPONSE_HEADER_PREFIX_LOWER,
  CACHECORE_HEADER_PREFIX_LOWER,
} from '@cachecore/core/protocol';
import { GatewayHttpError } from '../errors/gateway-http-error';

/** Request headers never forwarded upstream: hop-by-hop ones, ours, and what fetch sets itself. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'accept-encoding',
  'authorization',
  'expect',
  // Request directives for this gateway's cache (PROTOCOL §1.5), not for the provider.
  'cache-control',
]);

/** Upstream response headers not relayed: hop-by-hop, and the ones fetch already undid. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'upgrade',
  'trailer',
  // An upstream cache's status would be read as this gateway's (PROTOCOL §2.1).
  'cache-status',
]);

/** What {@link UpstreamClient.send} needs. */
export interface UpstreamRequest {
  method: string;
  /** Path and query as received, starting with `/v1`. */
  path: string;
  headers: IncomingHttpHeaders;
  body?: Buffer | string;
  /** Client authorization that may be forwarded when no upstream key is configured (bypass only). */
  clientAuthorization?: string;
  /** Aborts the upstream call, e.g. when the client went away. */
  signal?: AbortSignal;
}

/** An upstream response whose headers have arrived; `finish()` stops the timeout. */
export interface UpstreamResponse {
  response: Response;
  /** Milliseconds until the upstream's headers arrived. */
  headersMs: number;
  finish(): void;
}

/** Forwards requests to an OpenAI-compatible upstream. */
export interface UpstreamClient {
  readonly baseUrl: string;
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
}

/** Options of {@link createUpstreamClient}. */
export interface UpstreamClientOptions {
  /** OpenAI base URL including `/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` on every upstream call when set. */
  apiKey?: string;
  /** Time allowed for the whole answer of a JSON call, and for the headers of a stream. */
  timeoutMs: number;
}

/** Creates the forwarding client. Connection failures become 502, timeouts 504. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    baseUrl,
    async send(request) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined) continue;
        const lower = name.toLowerCase();
        if (DROPPED_REQUEST_HEADERS.has(lower) || lower.startsWith(CACHECORE_HEADER_PREFIX_LOWER))
          continue;
        headers.set(lower, Array.isArray(value) ? value.join(', ') : value);
      }
      if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`);
      else if (request.clientAuthorization)
        headers.set('authorization', request.clientAuthorization);

      const url = baseUrl + request.path.replace(/^\/v1(?=\/|$|\?)/, '');
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs);
      const onClientAbort = () => controller.abort();
      request.signal?.addEventListener('abort', onClientAbort, { once: true });
      const finish = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onClientAbort);
      };
      const started = performance.now();
      try {
        const response = await fetch(url, {
          method: request.method,
          headers,
          body:
            request.method === 'GET' || request.method === 'HEAD' || request.body === undefined
              ? undefined
              : typeof request.body === 'string'
                ? request.body
                : (request.body as Uint8Array<ArrayBuffer>),
          signal: controller.signal,
          redirect: 'manual',
        });
        return { response, headersMs: performance.now() - started, finish };
      } catch (error) {
        finish();
        throw translateFetchError(error, timedOut, options.timeoutMs, baseUrl);
      }
    },
  };
}

/** Reads a JSON/text body within the upstream timeout; translates a timeout into a 504. */
export async function readUpstreamText(
  upstream: UpstreamResponse,
  timeoutMs: number,
): Promise<string> {
  try {
    return await upstream.response.text();
  } catch (error) {
    throw translateFetchError(error, true, timeoutMs, '');
  } finally {
    upstream.finish();
  }
}

/** The upstream response headers worth relaying to the client. */
export function relayableHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name) && !name.startsWith(CACHE_RESPONSE_HEADER_PREFIX_LOWER))
      headers[name] = value;
  });
  return headers;
}

function translateFetchError(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  baseUrl: string,
): GatewayHttpError {
  if (timedOut) {
    return new GatewayHttpError(
      504,
      `The upstream did not answer within ${timeoutMs} ms (--upstream-timeout-ms).`,
      { cause: error },
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new GatewayHttpError(502, `The upstream ${baseUrl} is unreachable (${reason}).`, {
    cause: error,
  });
}
