import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectStats, type GatewayStats, handleAdmin } from './admin/admin-routes';
import { createTokenVerifier } from './auth/token-verifier';
import type { SemanticCache } from './cache/semantic-lookup';
import { SingleFlight } from './cache/single-flight';
import {
  type GatewayOptions,
  type ResolvedGatewaySettings,
  resolveGatewaySettings,
} from './config/gateway-options';
import type { FlightOutcome, GatewayContext, RequestRecord } from './gateway-context';
import { admitRequest } from './http/admit-request';
import { handleChatCompletions } from './http/chat-completions-route';
import { GatewayHttpError } from './http/gateway-error';
import { handleInvalidate } from './http/invalidate-route';
import { readRequestBody } from './http/read-body';
import { sendError, sendJson } from './http/respond';
import { createJsonLogger, type GatewayLogger } from './log/logger';
import { createGatewayMetrics, type GatewayMetrics } from './metrics/gateway-metrics';
import { createMemoryStore } from './store/memory-store';
import { openStore } from './store/open-store';
import { RedisStoreError } from './store/redis/redis-store-error';
import type { Store } from './store/store';
import { forwardToUpstream } from './upstream/forward-route';
import { createMockUpstream, type MockUpstream } from './upstream/mock-upstream';
import { createUpstreamClient } from './upstream/upstream-client';

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
  const logger: GatewayLogger = options.logger ?? createJsonLogger({ level: settings.logLevel });
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
      mockUpstream = await createMockUpstream({ latencyMs: settings.mockLatencyMs });
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
    metrics.observeMemory(() => [store.memory?.read(), semantic?.registry.readMemory()]);
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
      semantic,
      embedderId: semantic?.embedder.id ?? 'l2-off',
      adminToken: options.adminToken || undefined,
      metrics,
      flights: new SingleFlight<FlightOutcome>(),
      background: new Set(),
    };
    // Node refuses headers over 16 KiB with a bare 431; a little more room lets an oversized
    // X-Cachecore-Deps header get the JSON 400 that names the problem.
    server = createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
      void routeRequest(context, request, response);
    });
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
  const started = performance.now();
  const method = request.method ?? 'GET';
  const pathname = (request.url ?? '/').split('?')[0] ?? '/';
  const record: RequestRecord = {};
  const clientIp = request.socket.remoteAddress ?? 'unknown';
  // A client that disconnects mid-answer makes writes fail with EPIPE; never let that escape.
  response.on('error', () => {});
  let status: number | undefined;
  try {
    if (pathname === '/health' || pathname === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
    } else if (pathname === '/metrics') {
      // Unauthenticated, like most Prometheus targets: it exposes counts, never tenant data.
      if (method !== 'GET' && method !== 'HEAD')
        throw new GatewayHttpError(405, 'Use GET for /metrics.');
      const text = await context.metrics.renderMetrics();
      response.writeHead(200, { 'content-type': context.metrics.contentType });
      response.end(method === 'HEAD' ? undefined : text);
    } else if (pathname === '/v1/chat/completions') {
      if (method !== 'POST') throw new GatewayHttpError(405, 'Use POST for /v1/chat/completions.');
      await handleChatCompletions(context, request, response, record, clientIp);
    } else if (pathname === '/v1/invalidate') {
      if (method !== 'POST') throw new GatewayHttpError(405, 'Use POST for /v1/invalidate.');
      await handleInvalidate(context, request, response, record);
    } else if (pathname === '/admin' || pathname.startsWith('/admin/')) {
      await handleAdmin(context, request, response, record, pathname);
    } else if (pathname.startsWith('/v1/')) {
      await forwardOtherRoute(context, request, response, record, clientIp);
    } else {
      throw new GatewayHttpError(404, `Unknown route ${method} ${pathname}.`);
    }
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
    } else {
      const httpError = sendError(
        response,
        RedisStoreError.isInstance(error)
          ? new GatewayHttpError(
              503,
              'The cache store is unavailable; retry shortly (chat completions are still answered, uncached).',
              { code: 'store_unavailable', cause: error },
            )
          : error,
        (record.errorHeaders as Record<string, string>) ?? {},
      );
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
    delete record.errorHeaders;
    const latencyMs = performance.now() - started;
    const finalStatus = status ?? response.statusCode;
    recordRequestMetrics(context.metrics, pathname, finalStatus, latencyMs, record);
    context.logger.info('request', {
      method,
      route: pathname,
      status: finalStatus,
      latency_ms: Number(latencyMs.toFixed(2)),
      ...record,
    });
  }
}

/** Turns a request's log record into metric observations. */
function recordRequestMetrics(
  metrics: GatewayMetrics,
  pathname: string,
  statusCode: number,
  durationMs: number,
  record: RequestRecord,
): void {
  const cacheStatus = typeof record.cache === 'string' ? record.cache : undefined;
  metrics.recordRequest({ pathname, cacheStatus, statusCode, durationMs });
  if (typeof record.upstream_ms === 'number') {
    const upstreamStatus =
      typeof record.upstream_status === 'number' ? record.upstream_status : statusCode;
    metrics.recordUpstreamCall({
      durationMs: record.upstream_ms,
      outcome: record.stream_incomplete ? 'aborted' : upstreamStatus < 400 ? 'ok' : 'error',
    });
  }
  if (cacheStatus && typeof record.tokens_saved === 'number') {
    metrics.recordTokensSaved(cacheStatus, record.tokens_saved);
  }
  if (typeof record.l2_veto === 'string') metrics.recordL2Veto(record.l2_veto);
}

/** Any other `/v1/*` route: forwarded upstream untouched, never cached (PROTOCOL §3). */
async function forwardOtherRoute(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
  clientIp: string,
): Promise<void> {
  const { source, identity } = await admitRequest(context, request, record, clientIp);
  const method = request.method ?? 'GET';
  const body =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : await readRequestBody(request, context.settings.maxBodyBytes);
  await forwardToUpstream(context, request, response, record, {
    body,
    clientAuthorization: identity ? undefined : source.passthroughAuthorization,
  });
}
