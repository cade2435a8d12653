/** A JSON value, as a verified token's claims carry them. */
export type ClaimValue =
  | string
  | number
  | boolean
  | null
  | readonly ClaimValue[]
  | { readonly [key: string]: ClaimValue };

/** What the gateway takes from a verified tenant token. */
export interface TenantIdentity {
  tenantId: string;
  /**
   * Roles, scopes and permissions, merged; hashed into the namespace. Strings (a claim string is
   * split at spaces and commas) are compared as a set; any other value (`1`, `true`,
   * `{"admin": true}`) is kept as the token gives it, so its type and content count too.
   */
  permissions: ClaimValue[];
  /** `policy_version` claim, `'0'` when absent. */
  policyVersion: string;
  freshTtlSecs: number | undefined;
  staleWindowSecs: number | undefined;
  rateLimitRpm: number | undefined;
}

/** Reads the claims of a verified token; `undefined` when `tenant_id` is missing. */
export function readTenantClaims(claims: Record<string, unknown>): TenantIdentity | undefined {
  const tenantId = claims.tenant_id;
  if (typeof tenantId !== 'string' || tenantId === '') return undefined;
  const permissions: ClaimValue[] = [];
  for (const claim of [claims.roles, claims.scope, claims.permissions] as ClaimValue[]) {
    // Dropping a value it cannot read would put a token with `roles: [1]` in the namespace of a
    // token without roles, sharing its cached answers.
    if (claim === undefined || claim === null) continue;
    if (typeof claim === 'string') permissions.push(...claim.split(/[\s,]+/).filter(Boolean));
    else if (Array.isArray(claim)) permissions.push(...claim);
    else permissions.push(claim);
  }
  const policy = claims.policy_version;
  return {
    tenantId,
    permissions,
    policyVersion: typeof policy === 'string' || typeof policy === 'number' ? String(policy) : '0',
    freshTtlSecs: readNonNegativeNumber(claims.fresh_ttl_secs),
    staleWindowSecs: readNonNegativeNumber(claims.stale_window_secs),
    rateLimitRpm: readNonNegativeNumber(claims.rate_limit_rpm),
  };
}

function readNonNegativeNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}
