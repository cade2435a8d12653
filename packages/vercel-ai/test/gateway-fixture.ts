import { randomUUID } from 'node:crypto';
import { createTenantToken, type Gateway, startGateway } from '@cachecore/gateway';

const JWT_SECRET = 'vercel-ai-tests-secret-with-enough-bytes';

/** A running local gateway in front of its mock upstream. */
export type TestGateway = Gateway & { mockUpstream: NonNullable<Gateway['mockUpstream']> };

/** Starts the real gateway on 127.0.0.1 (port 0) in front of its mock upstream, with a small latency. */
export async function startTestGateway(): Promise<TestGateway> {
  const gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 5,
    jwtSecret: JWT_SECRET,
    logLevel: 'silent',
  });
  const { mockUpstream } = gateway;
  if (!mockUpstream)
    throw new Error('startGateway({ upstream: "mock" }) returned no mock upstream');
  return Object.assign(gateway, { mockUpstream });
}

/** A token for a tenant of its own, so each test starts from an empty cache. */
export function createFreshTenantToken(): Promise<string> {
  return createTenantToken({ secret: JWT_SECRET, tenantId: `vercel-ai-${randomUUID()}` });
}
