import { cacheTierOf } from '@cachecore/core/protocol';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MemoryReading } from '../store/memory-budget';
import { HotCounter, HotHistogram } from './hot-series';

/** Options of {@link createGatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Prefix of every metric name. @default 'cachecore_gateway_' */
  prefix?: string;
  /**
   * Also export the Node.js process metrics of `prom-client` (CPU, memory, event loop lag, GC),
   * prefixed the same way. @default false
   */
  processMetrics?: boolean;
  /** Labels added to every series, e.g. `{ instance: 'gw-a' }`. @default {} */
  defaultLabels?: Record<string, string>;
}

/** One answered HTTP request. */
export interface RequestObservation {
  /** The request path; folded into a small set of route labels. */
  pathname: string;
  /** The X-Cache value answered, when the route is a cached one. */
  cacheStatus?: string;
  /** HTTP status answered. */
  statusCode: number;
  durationMs: number;
}

/** One call to the upstream API. */
export interface UpstreamObservation {
  durationMs: number;
  /** `ok` for a 2xx answer, `error` for another status or a network failure, `aborted` when the client left. */
  outcome: 'ok' | 'error' | 'aborted';
}

/**
 * The Prometheus metrics of one gateway, in a registry of its own: several gateways in one process
 * (tests, benchmarks) never share or clash over series, and nothing lands in `prom-client`'s global
 * default registry.
 */
export interface GatewayMetrics {
  /** The registry holding every series of this gateway. */
  readonly registry: Registry;
  /** The `Content-Type` of {@link GatewayMetrics.renderMetrics}' text (`text/plain; version=0.0.4`). */
  readonly contentType: string;
  /** Counts a request by route, cache status, tier and HTTP status, and observes its latency. */
  recordRequest(observation: RequestObservation): void;
  /** Observes the latency of an upstream call. */
  recordUpstreamCall(observation: UpstreamObservation): void;
  /** Adds the tokens a cache hit saved, by the status that served it (`HIT_L1`, `HIT_L1_STALE`, `HIT_L2`). */
  recordTokensSaved(cacheStatus: string, tokens: number): void;
  /** Counts a failed store call (the request went on uncached). */
  recordStoreError(operation: string, code?: string): void;
  /** Counts an L2 candidate vetoed by a prompt guard. */
  recordL2Veto(guard: string): void;
  /**
   * Counts a miss answered without an upstream call of its own: `collapsed`, a single-flight
   * follower answered by another request's call (it answers `X-Cache: MISS`). Cache hits are
   * counted by `requests_total`.
   */
  recordAvoidedUpstreamCall(reason: 'collapsed'): void;
  /**
   * Exports what `read` reports (the store's and the L2 indexes' memory) as the gauges
   * `memory_used_bytes{holder,part}`, `memory_budget_bytes{holder}` and `memory_items{holder,kind}`,
   * read at every scrape. A later call replaces the source.
   */
  observeMemory(read: () => readonly (MemoryReading | undefined)[]): void;
  /** Every series in the Prometheus text exposition format. */
  renderMetrics(): Promise<string>;
}

/** Request latency buckets, seconds: cache hits take well under a millisecond to a few. */
const REQUEST_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
/** Upstream latency buckets, seconds: LLM answers take from tens of milliseconds to minutes. */
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/**
 * Creates the metrics of one gateway.
 *
 * @example
 * const metrics = createGatewayMetrics({ defaultLabels: { instance: 'gw-a' } });
 * metrics.recordRequest({ pathname: '/v1/chat/completions', cacheStatus: 'HIT_L1', statusCode: 200, durationMs: 0.8 });
 * response.writeHead(200, { 'content-type': metrics.contentType }).end(await metrics.renderMetrics());
 */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const prefix = options.prefix ?? 'cachecore_gateway_';
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix });
  const registers = [registry];

  const requests = new HotCounter({
    name: `${prefix}requests_total`,
    help: 'HTTP requests answered, by route, cache status (X-Cache), cache tier and HTTP status.',
    labelNames: ['route', 'cache_status', 'tier', 'code'] as const,
    registry,
  });
  const requestDuration = new HotHistogram<'route' | 'tier'>({
    name: `${prefix}request_duration_seconds`,
    help: 'Time to answer a request, by route and cache tier.',
    buckets: REQUEST_BUCKETS,
    registry,
  });
  const upstreamDuration = new Histogram({
    name: `${prefix}upstream_duration_seconds`,
    help: 'Latency of upstream calls, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const tokensSaved = new HotCounter({
    name: `${prefix}tokens_saved_total`,
    help: 'Upstream tokens not spent thanks to cache hits, by cache status.',
    labelNames: ['cache_status'] as const,
    registry,
  });
  const storeErrors = new Counter({
    name: `${prefix}store_errors_total`,
    help: 'Failed store calls (the request continued uncached), by store operation and error code.',
    labelNames: ['operation', 'code'] as const,
    registers,
  });
  const l2Vetoes = new Counter({
    name: `${prefix}l2_vetoes_total`,
    help: 'Semantic (L2) candidates above the threshold vetoed by a prompt guard, by guard.',
    labelNames: ['guard'] as const,
    registers,
  });

  const avoidedUpstreamCalls = new Counter({
    name: `${prefix}upstream_calls_avoided_total`,
    help: 'Misses answered without an upstream call of their own, by reason (collapsed: single-flight followers).',
    labelNames: ['reason'] as const,
    registers,
  });
  let readMemory: () => readonly (MemoryReading | undefined)[] = () => [];
  /** A gauge whose series are computed from the memory readings at every scrape. */
  const addMemoryGauge = (
    name: string,
    help: string,
    labelNames: readonly string[],
    series: (reading: MemoryReading) => [Record<string, string>, number][],
  ) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const reading of readMemory()) {
          if (!reading) continue;
          for (const [labels, value] of series(reading)) this.set(labels, value);
        }
      },
    });
  addMemoryGauge(
    'memory_used_bytes',
    'Estimated bytes held in this process, by holder (store, registry, memos) and part.',
    ['holder', 'part'],
    (reading) => seriesByName(reading.holder, 'part', reading.bytes),
  );
  addMemoryGauge(
    'memory_budget_bytes',
    'Bytes each holder may keep before it evicts: store and registry share --max-memory-mb; memos have fixed caps.',
    ['holder'],
    (reading) => [[{ holder: reading.holder }, reading.budgetBytes]],
  );
  addMemoryGauge(
    'memory_items',
    'What is held in this process: entries, vectors, dep hashes, L2 indexes and records, memoised values.',
    ['holder', 'kind'],
    (reading) => seriesByName(reading.holder, 'kind', reading.items),
  );

  return {
    registry,
    contentType: registry.contentType,
    observeMemory(read) {
      readMemory = read;
    },
    recordRequest({ pathname, cacheStatus, statusCode, durationMs }) {
      const route = routeLabel(pathname);
      // Only the protocol's statuses become label values (PROTOCOL §2), each with its tier.
      const tier = cacheStatus === undefined ? undefined : cacheTierOf(cacheStatus);
      const status = tier === undefined ? 'NONE' : (cacheStatus as string);
      const tierLabel = tier ?? 'none';
      requests.add(`${route} ${status} ${statusCode}`, () => ({
        route,
        cache_status: status,
        tier: tierLabel,
        code: String(statusCode),
      }));
      requestDuration.observe(
        `${route} ${tierLabel}`,
        () => ({ route, tier: tierLabel }),
        Math.max(0, durationMs) / 1000,
      );
    },
    recordUpstreamCall({ durationMs, outcome }) {
      upstreamDuration.observe({ outcome }, Math.max(0, durationMs) / 1000);
    },
    recordTokensSaved(cacheStatus, tokens) {
      if (!(tokens > 0)) return;
      tokensSaved.add(cacheStatus, () => ({ cache_status: cacheStatus }), tokens);
    },
    recordStoreError(operation, code = 'store_unavailable') {
      storeErrors.inc({ operation, code });
    },
    recordL2Veto(guard) {
      l2Vetoes.inc({ guard });
    },
    recordAvoidedUpstreamCall(reason) {
      avoidedUpstreamCalls.inc({ reason });
    },
    renderMetrics: () => registry.metrics(),
  };
}

/** One series per named value of a holder, the name under `label`. */
function seriesByName(
  holder: string,
  label: string,
  values: Record<string, number>,
): [Record<string, string>, number][] {
  return Object.entries(values).map(([name, value]) => [{ holder, [label]: name }, value]);
}

/** Routes the gateway answers itself, each its own label: the cached APIs and invalidation. */
const CACHED_AND_OWN_ROUTES = new Set([
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/invalidate',
]);

/**
 * Folds a path into one of a few route labels: raw paths would make a series per URL (and let
 * clients create series at will).
 */
export function routeLabel(pathname: string): string {
  if (CACHED_AND_OWN_ROUTES.has(pathname)) return pathname;
  if (pathname === '/health' || pathname === '/healthz') return '/health';
  if (pathname === '/metrics') return '/metrics';
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return '/admin';
  if (pathname.startsWith('/v1/')) return '/v1/other';
  return 'other';
}
