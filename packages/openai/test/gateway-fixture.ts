import {
  createTenantToken,
  type Gateway,
  type MockUpstream,
  startGateway,
} from '@cachecore/gateway';

/** The HS256 secret the test gateway verifies tenant tokens with. */
export const JWT_SECRET = 'openai-adapter-test-secret-0123456789';

/** A running local gateway with the mock upstream. */
export type TestGateway = Gateway & { mockUpstream: MockUpstream };

/** Starts the real gateway on loopback with a fast mock upstream and silent logs. */
export async function startTestGateway(): Promise<TestGateway> {
  const gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 5,
    jwtSecret: JWT_SECRET,
    logLevel: 'silent',
  });
  const { mockUpstream } = gateway;
  if (!mockUpstream) {
    await gateway.close();
    throw new Error('startGateway({ upstream: "mock" }) returned no mockUpstream');
  }
  return Object.assign(gateway, { mockUpstream });
}

let tenantCounter = 0;

/**
 * A token for a tenant no other test uses: tenants never share cache entries (exact or
 * semantic), so each test starts from an empty cache whatever its prompts.
 */
export function createFreshTenantToken(
  options: { expiresIn?: number; secret?: string } = {},
): Promise<string> {
  tenantCounter += 1;
  return createTenantToken({
    secret: options.secret ?? JWT_SECRET,
    tenantId: `openai-test-${process.pid}-${tenantCounter}-${Date.now()}`,
    ...(options.expiresIn !== undefined && { expiresIn: options.expiresIn }),
  });
}
