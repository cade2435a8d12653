/** What the gateway takes from a verified tenant token. */
export interface TenantIdentity {
  tenantId: string;
  /** Roles, scopes and permissions, merged; hashed into the namespace. */
  permissions: string[];
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
  const permissions: string[] = [];
  for (const claim of [claims.roles, claims.scope, claims.permissions]) {
    if (typeof claim === 'string') permissions.push(...claim.split(/[\s,]+/).filter(Boolean));
    else if (Array.isArray(claim)) {
      for (const item of claim) if (typeof item === 'string') permissions.push(item);
    }
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
