import type { IncomingMessage } from 'node:http';
import { assertAnonymousAllowed } from '../auth/anonymous-policy';
import { selectCredential } from '../auth/bypass-token';
import { extractTenantToken, type TokenSource } from '../auth/extract-tenant-token';
import type { TenantIdentity } from '../auth/tenant-claims';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { enforceRateLimit } from '../rate-limit/rate-limiter';

/** Who is asking: the token source and, when a tenant token was sent and verified, the tenant. */
export interface AdmittedRequest {
  source: TokenSource;
  /**
   * `undefined` for bypass traffic: no tenant token, or a verified `X-Cachecore-Bypass-Token`
   * (rate-limited per tenant, never cached).
   */
  identity: TenantIdentity | undefined;
}

/**
 * The first stage of every `/v1/*` request: verify the tenant token (a JWT-shaped token that fails
 * is a 401, never bypass) and apply the rate limit, per tenant or, for bypass traffic, per client
 * IP. Throws a `GatewayHttpError` (401, 429) when the request may not go on.
 */
export async function admitRequest(
  context: GatewayContext,
  request: IncomingMessage,
  observation: ObservedRequest,
): Promise<AdmittedRequest> {
  const source = extractTenantToken(request.headers);
  const credential = selectCredential(request.headers, source);
  const verified =
    credential.token !== undefined ? await context.verifier.verify(credential.token) : undefined;
  if (!verified) assertAnonymousAllowed(context.settings.anonymous);
  // A bypass token's tenant is rate-limited as itself, but its request takes the bypass path.
  const identity = credential.bypass ? undefined : verified;
  observation.tenant = verified?.tenantId;
  if (verified) {
    // Most tenants have no limit: no call (nor the strings it is given) for them.
    if (verified.rateLimitRpm !== undefined) {
      await enforceRateLimit(
        context.store,
        `tenant:${verified.tenantId}`,
        verified.rateLimitRpm,
        context.now,
        `tenant ${verified.tenantId}`,
      );
    }
  } else {
    const clientIp = request.socket.remoteAddress ?? 'unknown';
    await enforceRateLimit(
      context.store,
      `ip:${clientIp}`,
      context.settings.bypassRpm,
      context.now,
      `bypass traffic from ${clientIp}`,
    );
  }
  return { source, identity };
}
