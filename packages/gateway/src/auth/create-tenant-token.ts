import { importPKCS8, SignJWT } from 'jose';

/** Options of {@link createTenantToken}. */
export interface CreateTenantTokenOptions {
  /** HS256 shared secret (the gateway's `--jwt-secret`). Give this or `privateKey`. */
  secret?: string;
  /** RS256 private key, PKCS#8 PEM (the gateway verifies with the matching public key). */
  privateKey?: string;
  /** The tenant; the first input of every cache namespace. */
  tenantId: string;
  /** Roles hashed into the namespace: tokens with different roles never share entries. */
  roles?: string[];
  /** Bumping it moves the tenant to a fresh namespace. @default '0' (claim omitted) */
  policyVersion?: string;
  /** Per-tenant fresh TTL override, seconds. */
  freshTtlSecs?: number;
  /** Per-tenant stale window override, seconds. */
  staleWindowSecs?: number;
  /** Per-tenant rate limit, requests per minute. @default unlimited */
  rateLimitRpm?: number;
  /** Lifetime: seconds, or a duration such as `'1h'` / `'7d'`. @default no expiry */
  expiresIn?: number | string;
  /** When set, the token is returned as `cc_live_<keyPrefix>.<jwt>`. */
  keyPrefix?: string;
  /** Extra claims, merged last. */
  claims?: Record<string, unknown>;
}

/**
 * Mints a tenant token the gateway accepts.
 *
 * @example
 * const token = await createTenantToken({ secret: 'dev-secret', tenantId: 'acme', expiresIn: '1h' });
 */
export async function createTenantToken(options: CreateTenantTokenOptions): Promise<string> {
  const claims: Record<string, unknown> = { tenant_id: options.tenantId };
  if (options.roles) claims.roles = options.roles;
  if (options.policyVersion !== undefined) claims.policy_version = options.policyVersion;
  if (options.freshTtlSecs !== undefined) claims.fresh_ttl_secs = options.freshTtlSecs;
  if (options.staleWindowSecs !== undefined) claims.stale_window_secs = options.staleWindowSecs;
  if (options.rateLimitRpm !== undefined) claims.rate_limit_rpm = options.rateLimitRpm;
  Object.assign(claims, options.claims);

  const jwt = new SignJWT(claims).setIssuedAt();
  if (options.expiresIn !== undefined) {
    jwt.setExpirationTime(
      typeof options.expiresIn === 'number'
        ? Math.floor(Date.now() / 1000) + options.expiresIn
        : options.expiresIn,
    );
  }
  let signed: string;
  if (options.secret) {
    signed = await jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(options.secret));
  } else if (options.privateKey) {
    const key = await importPKCS8(options.privateKey, 'RS256');
    signed = await jwt.setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(key);
  } else {
    throw new TypeError('createTenantToken needs a `secret` (HS256) or a `privateKey` (RS256).');
  }
  return options.keyPrefix ? `cc_live_${options.keyPrefix}.${signed}` : signed;
}
