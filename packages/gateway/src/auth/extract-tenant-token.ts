import type { IncomingHttpHeaders } from 'node:http';
import {
  looksLikeTenantToken,
  readBearerCredential,
  TOKEN_HEADER_LOWER,
} from '@cachecore/core/protocol';

/** Where a request's tenant token came from, and what else it carried. */
export interface TokenSource {
  /** The tenant token (with its prefix, as sent), or `undefined` for bypass traffic. */
  token: string | undefined;
  /**
   * The client's `Authorization` value when it is not a tenant token (an SDK placeholder or a real
   * upstream key): it may be forwarded upstream for bypass requests.
   */
  passthroughAuthorization: string | undefined;
}

/**
 * Finds the tenant token (PROTOCOL §1): the token header (bare) first; else
 * `Authorization: Bearer <t>` only when `<t>` has the shape of a tenant token (a JWT, bare or
 * behind any `cc_<kind>_<id>.` key prefix). SDKs always send `Authorization` from their `apiKey`,
 * often a placeholder or a real `sk-…` key, which must read as "no tenant token", not as a bad one.
 */
export function extractTenantToken(headers: IncomingHttpHeaders): TokenSource {
  const authorization = firstHeader(headers.authorization);
  const explicit = firstHeader(headers[TOKEN_HEADER_LOWER])?.trim();
  const bearer = readBearerCredential(authorization);
  const bearerIsTenant = bearer !== null && looksLikeTenantToken(bearer);
  if (explicit) {
    return {
      token: explicit.replace(/^Bearer\s+/i, ''),
      passthroughAuthorization: bearerIsTenant ? undefined : authorization,
    };
  }
  if (bearerIsTenant) return { token: bearer, passthroughAuthorization: undefined };
  return { token: undefined, passthroughAuthorization: authorization };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
