// A tenant token is a JWT, optionally behind a key prefix (`cc_live_<id>.eyJ…`, PROTOCOL §1); the
// JWT is what follows the prefix. JWTs never start with `cc_`, so the prefix is unambiguous.
const keyPrefixPattern = /^cc_[^.]*\./;

/** The JWT part of a tenant token, with any `cc_<kind>_<id>.` key prefix removed. */
export function stripTokenKeyPrefix(token: string): string {
  return token.replace(keyPrefixPattern, '');
}

/**
 * Whether an `Authorization` header value is `Bearer <tenant token>`, comparing with and without
 * the key prefix on either side, so that bypass also removes the token an SDK sends as its API key.
 */
export function isTenantBearerAuthorization(authorization: string, tenantToken: string): boolean {
  const match = /^\s*bearer\s+(.+?)\s*$/i.exec(authorization);
  if (!match) return false;
  const credential = match[1]!;
  return (
    credential === tenantToken ||
    stripTokenKeyPrefix(credential) === stripTokenKeyPrefix(tenantToken)
  );
}
