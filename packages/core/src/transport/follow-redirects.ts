// Redirects of gateway requests, followed by hand (PROTOCOL §3.1): fetch's own `redirect: 'follow'`
// keeps custom headers on a cross-origin hop, so a 307 from the gateway to another origin would
// deliver the tenant token there.
import { BYPASS_TOKEN_HEADER, DEPS_HEADER, TOKEN_HEADER } from '../protocol/header-names';

/** As many hops as fetch itself follows. */
export const MAX_REDIRECT_HOPS = 20;

const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

// The headers that describe a body, removed when a redirect turns the request into a GET.
const bodyHeaders = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/**
 * Sends a gateway request with `redirect: 'manual'` and follows redirects itself, at most
 * {@link MAX_REDIRECT_HOPS} hops, the way fetch does except for what crosses origins:
 *
 * - same-origin hops keep every header;
 * - on the first hop to another origin the Cachecore headers (token, deps, bypass token) are
 *   dropped for the rest of the chain, and so are `Authorization` (with the tenant's bearer) and
 *   `Cookie`, as fetch drops them;
 * - `303` (and `301`/`302` after a POST) becomes a GET without body;
 * - `307`/`308` (and `301`/`302` of other methods) re-send the body only when it can be replayed
 *   (string, ArrayBuffer, typed array, DataView, URLSearchParams, Blob, FormData); a streamed body
 *   cannot, and the redirect response is returned as is.
 *
 * A caller that asked for `redirect: 'manual'` or `'error'` gets fetch's own behaviour: neither
 * follows a redirect, so nothing can leak.
 */
export async function fetchFollowingRedirects(
  baseFetch: typeof globalThis.fetch,
  input: RequestInfo | URL,
  init: RequestInit & { headers: Headers },
  requestBody?: BodyInit | null,
): Promise<Response> {
  const mode = init.redirect ?? (isRequestLike(input) ? input.redirect : undefined);
  if (mode === 'manual' || mode === 'error') return baseFetch(input, init);

  let response = await baseFetch(input, { ...init, redirect: 'manual' });
  let url = isRequestLike(input) ? input.url : String(input);
  let method = (init.method ?? (isRequestLike(input) ? input.method : 'GET')).toUpperCase();
  let body = init.body !== undefined ? init.body : requestBody;
  const headers = new Headers(init.headers);
  const signal = init.signal ?? (isRequestLike(input) ? input.signal : undefined);

  for (let hop = 1; ; hop++) {
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null) return response;
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return response;
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return response;
    if (hop > MAX_REDIRECT_HOPS) {
      await discard(response);
      throw new TypeError(
        `${method} ${url}: more than ${MAX_REDIRECT_HOPS} redirects, the redirect loop was stopped.`,
      );
    }

    const becomesGet =
      response.status === 303
        ? method !== 'HEAD'
        : (response.status === 301 || response.status === 302) && method === 'POST';
    if (becomesGet) {
      method = 'GET';
      body = undefined;
      for (const name of bodyHeaders) headers.delete(name);
    } else if (body != null && !isReplayableBody(body)) {
      // The body went out with the first request and cannot be sent again.
      return response;
    }

    if (next.origin !== new URL(url).origin) {
      headers.delete(TOKEN_HEADER);
      headers.delete(DEPS_HEADER);
      headers.delete(BYPASS_TOKEN_HEADER);
      // What fetch itself removes on a cross-origin redirect (Fetch standard, HTTP-redirect
      // fetch); the tenant's bearer, when an SDK sends the token as its API key, goes with it.
      headers.delete('authorization');
      headers.delete('cookie');
      headers.delete('proxy-authorization');
    }

    await discard(response);
    url = next.href;
    response = await baseFetch(url, {
      ...init,
      method,
      headers,
      body: body ?? undefined,
      signal,
      redirect: 'manual',
    });
  }
}

/** Whether a body can be sent a second time: anything but a stream. */
export function isReplayableBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  );
}

function isRequestLike(input: unknown): input is Request {
  return (
    typeof input === 'object' &&
    input !== null &&
    !(input instanceof URL) &&
    typeof (input as Request).url === 'string' &&
    typeof (input as Request).method === 'string'
  );
}

/** Frees the connection of a redirect response whose body nobody reads. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or errored: nothing to free.
  }
}
