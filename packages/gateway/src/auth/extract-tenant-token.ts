import type { IncomingHttpHeaders } from 'node:http';

/** A JWT (`eyJ…`, three dot-separated segments), optionally behind a `cc_live_<id>.` key prefix. */
const TENANT_TOKEN_SHAPE =
  /^(?:cc_live_[A-Za-z0-9_-]+\.)?eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

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
 * Finds the tenant token: `X-Cachecore-Token` (bare) first; else `Authorization: Bearer <t>` only
 * when `<t>` has the shape of a tenant token. SDKs always send `Authorization` from their `apiKey`,
 * often a placeholder or a real `sk-…` key, which must read as "no tenant token", not as a bad one.
 */
export function extractTenantToken(headers: IncomingHttpHeaders): TokenSource {
  const authorization = firstHeader(headers.authorization);
  const explicit = firstHeader(headers['x-cachecore-token'])?.trim();
  const bearer = authorization?.match(/^\s*Bearer\s+(.+?)\s*$/i)?.[1];
  const bearerIsTenant = bearer !== undefined && looksLikeTenantToken(bearer);
  if (explicit) {
    return {
      token: explicit.replace(/^Bearer\s+/i, ''),
      passthroughAuthorization: bearerIsTenant ? undefined : authorization,
    };
  }
  if (bearerIsTenant) return { token: bearer, passthroughAuthorization: undefined };
  return { token: undefined, passthroughAuthorization: authorization };
}

/** Whether a string has the shape of a tenant token (JWT, optionally `cc_live_<id>.`-prefixed). */
export function looksLikeTenantToken(value: string): boolean {
  return TENANT_TOKEN_SHAPE.test(value);
}

/** The JWT part of a token: what follows a `cc_live_<id>.` prefix, or the token itself. */
export function stripKeyPrefix(token: string): string {
  const match = token.match(/^cc_live_[A-Za-z0-9_-]+\.(eyJ.*)$/);
  return match?.[1] ?? token;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
