import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenantToken } from '../../src/auth/create-tenant-token';
import type { TenantIdentity } from '../../src/auth/tenant-claims';
import { createTokenVerifier } from '../../src/auth/token-verifier';
import { analyzeChatRequest } from '../../src/cache/chat-request';
import { createNamespaceMemo } from '../../src/cache/namespace-memo';
import { createSemanticCache } from '../../src/cache/semantic-setup';
import { SingleFlight } from '../../src/cache/single-flight';
import { type GatewayOptions, resolveGatewaySettings } from '../../src/config/gateway-options';
import type { FlightOutcome, GatewayContext } from '../../src/gateway-context';
import { createJsonLogger } from '../../src/log/logger';
import { createGatewayMetrics } from '../../src/metrics/gateway-metrics';
import { type CacheableRequest, identifyRequest } from '../../src/pipeline/identify';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/store';
import { createUpstreamClient } from '../../src/upstream/upstream-client';

export const STAGE_TEST_SECRET = 'pipeline-stage-secret';

/**
 * The context the gateway builds, with real parts (memory store unless one is given, token
 * verifier, upstream client, L2 with the default hash embedder when `l2` is on), for calling one
 * pipeline stage at a time.
 */
export async function createStageContext(
  options: GatewayOptions & { upstream: string; store?: Store; now?: () => number },
): Promise<GatewayContext> {
  const settings = resolveGatewaySettings({ logLevel: 'silent', l2: false, ...options });
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryStore({ now });
  const semantic = settings.l2
    ? await createSemanticCache(store, { embedder: settings.embedder, guards: options.l2Guards })
    : undefined;
  return {
    settings,
    store,
    upstream: createUpstreamClient({
      baseUrl: settings.upstream,
      timeoutMs: settings.upstreamTimeoutMs,
    }),
    verifier: await createTokenVerifier({ jwtSecret: STAGE_TEST_SECRET, now }),
    logger: createJsonLogger({ level: 'silent' }),
    now,
    monotonicNow: () => performance.now(),
    semantic,
    embedderId: semantic?.embedder.id ?? 'l2-off',
    namespaceOf: createNamespaceMemo(semantic?.embedder.id ?? 'l2-off'),
    adminToken: undefined,
    metrics: createGatewayMetrics(),
    flights: new SingleFlight<FlightOutcome>(),
    background: new Set(),
  };
}

/** A tenant's verified identity, as admission hands it on. */
export async function verifiedTenant(
  context: GatewayContext,
  tenantId: string,
  claims: { roles?: string[]; freshTtlSecs?: number; staleWindowSecs?: number } = {},
): Promise<TenantIdentity> {
  const token = await createTenantToken({ secret: STAGE_TEST_SECRET, tenantId, ...claims });
  return context.verifier.verify(token);
}

/** A chat request of `content` by `identity`, through the identity and namespace stage. */
export function cacheableRequest(
  context: GatewayContext,
  identity: TenantIdentity,
  content: string,
  options: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
): CacheableRequest {
  const body = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    ...options.body,
  };
  const rawBody = Buffer.from(JSON.stringify(body));
  return identifyRequest(
    context,
    options.headers ?? {},
    identity,
    analyzeChatRequest(body),
    rawBody,
  );
}

/** A real HTTP server on 127.0.0.1 whose every request runs `handler`: a stage under test. */
export async function startStageServer(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(599);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
