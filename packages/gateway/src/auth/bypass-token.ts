import type { IncomingHttpHeaders } from 'node:http';
import { BYPASS_TOKEN_HEADER_LOWER as BYPASS_TOKEN_HEADER } from '@cachecore/core/protocol';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { TokenSource } from './extract-tenant-token';

/** The token a request is admitted with, and whether it asks to skip the cache. */
export interface RequestCredential {
  /** The token to verify; `undefined` for anonymous traffic (no token of any kind). */
  token: string | undefined;
  /**
   * The token came in `X-Cachecore-Bypass-Token`: a bad one is a 401, a good one is rate-limited
   * per tenant, and the request is never read from or written to the cache.
   */
  bypass: boolean;
}

/**
 * Decides which token admits a request: the tenant token (`X-Cachecore-Token`, or a tenant-shaped
 * `Authorization: Bearer`), else `X-Cachecore-Bypass-Token`, else none. A bypass token is taken
 * even when empty or malformed, so that it fails verification (401) instead of reading as
 * anonymous. The same token in both places is a bypass (an SDK whose API key is the tenant token
 * sends it as `Authorization` on every request); two different tokens are a 400.
 *
 * @example
 * selectCredential({ 'x-cachecore-bypass-token': jwt }, extractTenantToken({})); // { token: jwt, bypass: true }
 */
export function selectCredential(
  headers: IncomingHttpHeaders,
  source: TokenSource,
): RequestCredential {
  const header = headers[BYPASS_TOKEN_HEADER];
  if (header === undefined) return { token: source.token, bypass: false };
  const bypassToken = (Array.isArray(header) ? header.join(', ') : header)
    .trim()
    .replace(/^Bearer\s+/i, '');
  if (source.token !== undefined && source.token !== bypassToken) {
    throw new GatewayHttpError(
      400,
      'The request carries a tenant token and a different X-Cachecore-Bypass-Token: send one of them.',
      { code: 'conflicting_tokens' },
    );
  }
  return { token: bypassToken, bypass: true };
}
