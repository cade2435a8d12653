// Tenant tokens on the wire (PROTOCOL §1, §4): a JWT, bare (`eyJ…`) or behind a key prefix
// `cc_<kind>_<id>.` of any kind (`cc_live_`, `cc_test_`, …). The JWT is what follows the prefix.
// A JWT never starts with `cc_` (its header is base64url JSON, so it starts with `eyJ`), which
// makes the prefix unambiguous.

const keyPrefixPattern = /^cc_([A-Za-z0-9]+)_([A-Za-z0-9_-]+)\.(?=eyJ)/;
const jwtShapePattern = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const bearerPattern = /^\s*bearer\s+(\S+)\s*$/i;

/** A tenant token split into its parts by {@link parseTenantToken}. */
export interface ParsedTenantToken {
  /** The key kind of a prefixed token (`'live'` for `cc_live_…`), `null` for a bare JWT. */
  readonly keyKind: string | null;
  /** The key id of a prefixed token (`'k1'` for `cc_live_k1.…`), `null` for a bare JWT. */
  readonly keyId: string | null;
  /** The JWT itself, without any prefix: what a gateway verifies. */
  readonly jwt: string;
}

/**
 * Splits a tenant token into key prefix and JWT, or returns `null` when the value does not have
 * the shape of a tenant token (a JWT, optionally behind `cc_<kind>_<id>.`). Only the shape is
 * checked, never the signature. Never throws.
 *
 * @example
 * ```ts
 * parseTenantToken('cc_test_k1.eyJhbGciOi….eyJ0ZW5hbnRfaWQiOi….sig');
 * // { keyKind: 'test', keyId: 'k1', jwt: 'eyJhbGciOi….eyJ0ZW5hbnRfaWQiOi….sig' }
 * parseTenantToken('sk-placeholder'); // null
 * ```
 */
export function parseTenantToken(token: string): ParsedTenantToken | null {
  if (typeof token !== 'string') return null;
  const prefix = keyPrefixPattern.exec(token);
  const jwt = prefix ? token.slice(prefix[0].length) : token;
  if (!isJwtShaped(jwt)) return null;
  return { keyKind: prefix?.[1] ?? null, keyId: prefix?.[2] ?? null, jwt };
}

/** Whether a string has the shape of a tenant token: a JWT, optionally behind `cc_<kind>_<id>.`. */
export function looksLikeTenantToken(value: string): boolean {
  return parseTenantToken(value) !== null;
}

/** Whether a string has the shape of a JWT: `eyJ…` and three dot-separated base64url segments. */
export function isJwtShaped(value: string): boolean {
  return typeof value === 'string' && jwtShapePattern.test(value);
}

/**
 * The JWT part of a tenant token: the token without its `cc_<kind>_<id>.` key prefix, or the token
 * itself when it has none.
 *
 * @example
 * ```ts
 * stripTenantTokenPrefix('cc_live_k1.eyJ…'); // 'eyJ…'
 * ```
 */
export function stripTenantTokenPrefix(token: string): string {
  return token.replace(keyPrefixPattern, '');
}

/** The credential of an `Authorization: Bearer <credential>` value, or `null` for anything else. */
export function readBearerCredential(authorization: string | null | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  return bearerPattern.exec(authorization)?.[1] ?? null;
}

/**
 * Whether an `Authorization` value is `Bearer <tenant token>`, comparing with and without the key
 * prefix on either side: an SDK's `apiKey` may be the token in either form. Used to strip the
 * token from bypass requests and from redirects to another origin.
 *
 * @example
 * ```ts
 * isTenantBearerAuthorization('Bearer eyJ…', 'cc_live_k1.eyJ…'); // true
 * isTenantBearerAuthorization('Bearer sk-placeholder', 'cc_live_k1.eyJ…'); // false
 * ```
 */
export function isTenantBearerAuthorization(
  authorization: string | null | undefined,
  tenantToken: string,
): boolean {
  const credential = readBearerCredential(authorization);
  if (credential === null) return false;
  return (
    credential === tenantToken ||
    stripTenantTokenPrefix(credential) === stripTenantTokenPrefix(tenantToken)
  );
}
