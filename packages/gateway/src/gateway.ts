import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectStats, type GatewayStats, handleAdmin } from './admin/admin-routes';
import { warnIfOpenRelay } from './auth/anonymous-policy';
import { createTokenVerifier } from './auth/token-verifier';
import { createNamespaceMemo } from './cache/namespace-memo';
import type { SemanticCache } from './cache/semantic-lookup';
import { SingleFlight } from './cache/single-flight';
import {
  type GatewayOptions,
  type ResolvedGatewaySettings,
  resolveGatewaySettings,
} from './config/gateway-options';
import { handleEmbeddings } from './embeddings/embeddings-route';
import { GatewayHttpError } from './errors/gateway-http-error';
import type { FlightOutcome, GatewayContext } from './gateway-context';
import { CHAT_COMPLETIONS_ROUTE, handleCachedRoute, RESPONSES_ROUTE } from './http/cached-route';
import { answerClientError, MAX_REQUEST_HEADER_BYTES } from './http/client-error';
import { forwardOtherRoute } from './http/forward-other-route';
import { handleInvalidate } from './http/invalidate-route';
import { confineRequestPath } from './http/request-path';
import { createJsonLogger, type GatewayLogger } from './log/logger';
import { readMemoUsage } from './memo/bounded-memo';
import { createGatewayMetrics, type GatewayMetrics } from './metrics/gateway-metrics';
import { addObservationLogFields, type ObservedRequest } from './observation/observed-request';
import { recordRequestMetrics } from './observation/record-request-metrics';
import type { MemoryReading } from './store/memory-budget';
import { createMemoryStore } from './store/memory-store';
import { openStore } from './store/open-store';
import type { Store } from './store/store';
import { createMockUpstream, type MockUpstream } from './upstream/mock-upstream';
import { createUpstreamClient } from './upstream/upstream-client';
import { sendError, sendJson } from './wire/send-json';

/** A running gateway. */
export interface Gateway {
  /** Base URL of the gateway, without `/v1` (e.g. `http://127.0.0.1:43567`). */
  readonly url: string;
  readonly port: number;
  /** The store the gateway uses: the in-memory one, the Redis one it opened, or the one passed. */
  readonly store: Store;
  /** Its Prometheus metrics, also served at `GET /metrics`. */
  readonly metrics: GatewayMetrics;
  /** The built-in upstream, when started with `upstream: 'mock'`. */
  readonly mockUpstream: MockUpstream | undefined;
  /** The settings in effect, after defaults. */
  readonly settings: ResolvedGatewaySettings & {
    l2Threshold: number | undefined;
    embedderId: string;
  };
  /** Per-tenant statistics, as `GET /admin/stats` reports them. */
  stats(): Promise<GatewayStats>;
  /**
   * Stops accepting connections, lets in-flight requests finish, then releases the store (only
   * when the gateway created it) and the mock upstream.
   */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a Cachecore-compatible gateway on `host:port`.
 *
 * @example
 * const gateway = await startGateway({ upstream: 'mock', jwtSecret: 'dev-secret', logLevel: 'silent' });
 * const token = await createTenantToken({ secret: 'dev-secret', tenantId: 'acme' });
 * // point an OpenAI SDK at `${gateway.url}/v1` with header X-Cachecore-Token: token
 * await gateway.close();
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const settings = resolveGatewaySettings(options);
  const now = options.now ?? Date.now;
  const logger: GatewayLogger =
    options.logger ?? createJsonLogger({ level: settings.logLevel, now });
  const verifier = await createTokenVerifier({
    jwtSecret: options.jwtSecret,
    jwtPublicKey: options.jwtPublicKey,
    now,
  });

  const metrics = createGatewayMetrics();
  // A store passed as an instance is shared with its owner; one named by a URL is the gateway's.
  const ownsStore = typeof options.store !== 'object';
  const store =
    typeof options.store === 'object'
      ? options.store
      : ((await openStore({
          url: options.store ?? 'memory',
          redisPrefix: options.redisPrefix,
          maxMemoryMb: settings.maxMemoryMb,
          logger,
        })) ?? createMemoryStore({ maxMemoryMb: settings.maxMemoryMb, now }));
  const stopCountingStoreErrors = store.subscribeErrors?.((error) =>
    metrics.recordStoreError(error.operation, error.code),
  );
  let mockUpstream: MockUpstream | undefined;
  let semantic: SemanticCache | undefined;
  const cleanup = async () => {
    semantic?.registry.close();
    stopCountingStoreErrors?.();
    if (ownsStore) await store.close();
    await mockUpstream?.close();
  };

  let server: ReturnType<typeof createServer>;
  let context: GatewayContext;
  try {
    if (settings.upstream === 'mock') {
      mockUpstream = await createMockUpstream({
        latencyMs: settings.mockLatencyMs,
        port: settings.mockPort,
      });
    } else if (!/^https?:\/\//.test(settings.upstream)) {
      throw new TypeError(
        `Invalid upstream "${settings.upstream}": expected an http(s) base URL including /v1, or "mock".`,
      );
    }
    const upstreamUrl = mockUpstream?.url ?? settings.upstream;
    if (!mockUpstream && !options.upstreamApiKey) {
      // Tenant tokens are never forwarded, so without a key of its own the gateway sends tenant
      // traffic upstream unauthenticated: a real provider answers 401 to every cached route.
      logger.warn('no upstream API key: tenant requests reach the upstream without Authorization', {
        upstream: settings.upstream,
        fix: 'set --upstream-api-key or OPENAI_API_KEY',
      });
    }
    warnIfOpenRelay(
      { ...settings, anonymous: options.anonymous, upstreamApiKey: options.upstreamApiKey },
      logger,
    );
    if (settings.l2) {
      // Loaded on demand: the embedders (and their optional native dependencies) cost nothing
      // when L2 is off.
      const { createSemanticCache } = await import('./cache/semantic-setup');
      semantic = await createSemanticCache(store, {
        embedder: settings.embedder,
        embeddingModel: options.embeddingModel,
        embeddingDimensions: options.embeddingDimensions,
        embeddingUrl: options.embeddingUrl ?? upstreamUrl,
        embeddingApiKey: options.upstreamApiKey,
        threshold: options.l2Threshold,
        guards: options.l2Guards,
      });
    }
    metrics.observeMemory(() => [
      store.memory?.read(),
      semantic?.registry.readMemory(),
      readMemoMemory(),
    ]);
    context = {
      settings,
      store,
      upstream: createUpstreamClient({
        baseUrl: upstreamUrl,
        apiKey: options.upstreamApiKey,
        timeoutMs: settings.upstreamTimeoutMs,
      }),
      verifier,
      logger,
      now,
      monotonicNow: () => performance.now(),
      semantic,
      embedderId: semantic?.embedder.id ?? 'l2-off',
      namespaceOf: createNamespaceMemo(semantic?.embedder.id ?? 'l2-off'),
      adminToken: options.adminToken || undefined,
      metrics,
      flights: new SingleFlight<FlightOutcome>(),
      background: new Set(),
    };
    server = createServer({ maxHeaderSize: MAX_REQUEST_HEADER_BYTES }, (request, response) => {
      void routeRequest(context, request, response);
    });
    server.on('clientError', answerClientError);
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await cleanup();
    throw error;
  }

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      context.shuttingDown = true;
      // Keep-alive sockets of finished requests would hold `close()` open until they time out:
      // close them as they turn idle while in-flight requests finish.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(sweep);
      await Promise.allSettled([...context.background]);
      await cleanup();
    })();
    return closing;
  };

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store,
    metrics,
    mockUpstream,
    settings: { ...settings, l2Threshold: semantic?.threshold, embedderId: context.embedderId },
    stats: () => collectStats(store),
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function routeRequest(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const started = context.monotonicNow();
  const method = request.method ?? 'GET';
  let pathname = (request.url ?? '/').split('?')[0] ?? '/';
  const observation: ObservedRequest = {};
  // A client that disconnects mid-answer makes writes fail with EPIPE; never let that escape.
  response.on('error', ignoreError);
  let status: number | undefined;
  try {
    pathname = confineRequestPath(request);
    if (pathname === '/health' || pathname === '/healthz') {
      // Liveness: the process answers. Readiness (may traffic come here?) is `/ready`.
      sendJson(response, 200, { status: 'ok' });
    } else if (pathname === '/ready' || pathname === '/readyz') {
      const unready = readinessProblem(context);
      sendJson(
        response,
        unready ? 503 : 200,
        unready
          ? { status: 'unavailable', reason: unready }
          : { status: 'ready', store: context.store.kind },
      );
    } else if (pathname === '/metrics') {
      // Unauthenticated, like most Prometheus targets: it exposes counts, never tenant data.
      if (method !== 'GET' && method !== 'HEAD')
        throw new GatewayHttpError(405, 'Use GET for /metrics.');
      const text = await context.metrics.renderMetrics();
      response.writeHead(200, { 'content-type': context.metrics.contentType });
      response.end(method === 'HEAD' ? undefined : text);
    } else if (pathname === '/v1/chat/completions') {
      if (method !== 'POST') throw new GatewayHttpError(405, 'Use POST for /v1/chat/completions.');
      await handleCachedRoute(context, request, response, observation, CHAT_COMPLETIONS_ROUTE);
    } else if (pathname === '/v1/responses' && method === 'POST') {
      await handleCachedRoute(context, request, response, observation, RESPONSES_ROUTE);
    } else if (pathname === '/v1/embeddings' && method === 'POST') {
      await handleEmbeddings(context, request, response, observation);
    } else if (pathname === '/v1/invalidate') {
      if (method !== 'POST') throw new GatewayHttpError(405, 'Use POST for /v1/invalidate.');
      await handleInvalidate(context, request, response, observation);
    } else if (pathname === '/admin' || pathname.startsWith('/admin/')) {
      await handleAdmin(context, request, response, observation, pathname);
    } else if (pathname.startsWith('/v1/')) {
      await forwardOtherRoute(context, request, response, observation);
    } else {
      throw new GatewayHttpError(404, `Unknown route ${method} ${pathname}.`);
    }
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
    } else {
      const httpError = sendError(response, error);
      status = httpError.status;
      if (httpError.status >= 500) {
        context.logger.error('request failed', {
          route: pathname,
          status: httpError.status,
          error: httpError.message,
          cause: (httpError.cause as Error | undefined)?.message,
        });
      }
    }
  } finally {
    const durationMs = context.monotonicNow() - started;
    // Nothing written and the connection gone: the client left before its answer (nginx's 499).
    const statusCode =
      status ??
      (!response.headersSent && response.destroyed ? CLIENT_CLOSED_REQUEST : response.statusCode);
    recordRequestMetrics(context.metrics, { pathname, statusCode, durationMs }, observation);
    // The request line is assembled only when somebody reads it.
    if (context.logger.isLevelEnabled?.('info') !== false) {
      context.logger.info(
        'request',
        addObservationLogFields(
          {
            method,
            route: pathname,
            status: statusCode,
            latency_ms: Number(durationMs.toFixed(2)),
          },
          observation,
        ),
      );
    }
  }
}

/** The status counted and logged for a request whose client left before anything was written. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * The hit-path memos as the memory gauges' holder `memos`: bytes and values by part, the sum of
 * their fixed caps as the budget.
 */
function readMemoMemory(): MemoryReading {
  const bytes: Record<string, number> = {};
  const items: Record<string, number> = {};
  let budgetBytes = 0;
  for (const { part, usedBytes, maxBytes, values } of readMemoUsage()) {
    bytes[part] = (bytes[part] ?? 0) + usedBytes;
    items[part] = (items[part] ?? 0) + values;
    budgetBytes += maxBytes;
  }
  return { holder: 'memos', budgetBytes, bytes, items };
}

/** The listener that keeps a failed write to a departed client from escaping. */
function ignoreError(): void {}

/**
 * Why the gateway should not get traffic now, or `undefined` when it should: it is shutting down,
 * or its shared store (Redis) is not reachable, so every request would go upstream uncached.
 */
function readinessProblem(context: GatewayContext): string | undefined {
  if (context.shuttingDown) return 'the gateway is shutting down';
  const store = context.store as Partial<{ isReady: () => boolean }>;
  if (typeof store.isReady === 'function' && !store.isReady()) {
    return `the ${context.store.kind} store is not reachable; requests are answered uncached`;
  }
  return undefined;
}
