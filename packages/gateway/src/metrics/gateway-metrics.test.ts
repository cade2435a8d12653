import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics, routeLabel } from './gateway-metrics';

describe('gateway metrics', () => {
  it('counts requests by route, cache status, tier and HTTP status in Prometheus text', async () => {
    const metrics = createGatewayMetrics();
    const chat = { pathname: '/v1/chat/completions', statusCode: 200 };
    metrics.recordRequest({ ...chat, cacheStatus: 'MISS', durationMs: 40 });
    metrics.recordRequest({ ...chat, cacheStatus: 'HIT_L1', durationMs: 0.7 });
    metrics.recordRequest({ ...chat, cacheStatus: 'HIT_L1', durationMs: 0.9 });
    metrics.recordRequest({ ...chat, cacheStatus: 'HIT_L2', durationMs: 3 });
    metrics.recordRequest({
      pathname: '/admin/tenants/acme/stats',
      statusCode: 403,
      durationMs: 1,
    });
    const text = await metrics.renderMetrics();

    expect(text).toContain('# TYPE cachecore_gateway_requests_total counter');
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/v1/chat/completions",cache_status="HIT_L1",tier="l1",code="200"} 2',
    );
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/v1/chat/completions",cache_status="MISS",tier="upstream",code="200"} 1',
    );
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/v1/chat/completions",cache_status="HIT_L2",tier="l2",code="200"} 1',
    );
    // Raw paths never become labels: the tenant in the admin path is folded away.
    expect(text).not.toContain('acme');
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/admin",cache_status="NONE",tier="none",code="403"} 1',
    );
    // Both L1 hits took under a millisecond; the miss did not.
    expect(text).toContain(
      'cachecore_gateway_request_duration_seconds_bucket{le="0.001",route="/v1/chat/completions",tier="l1"} 2',
    );
    expect(text).toContain(
      'cachecore_gateway_request_duration_seconds_bucket{le="0.025",route="/v1/chat/completions",tier="upstream"} 0',
    );
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('records upstream latency, tokens saved, store errors and L2 vetoes', async () => {
    const metrics = createGatewayMetrics();
    metrics.recordUpstreamCall({ durationMs: 300, outcome: 'ok' });
    metrics.recordUpstreamCall({ durationMs: 12, outcome: 'error' });
    metrics.recordTokensSaved('HIT_L1', 120);
    metrics.recordTokensSaved('HIT_L1', 30);
    metrics.recordTokensSaved('HIT_L2', 0);
    metrics.recordStoreError('getEntry');
    metrics.recordStoreError('getEntry');
    metrics.recordStoreError('setEntry', 'store_failed');
    metrics.recordL2Veto('numbers');
    const text = await metrics.renderMetrics();

    expect(text).toContain(
      'cachecore_gateway_upstream_duration_seconds_bucket{le="0.5",outcome="ok"} 1',
    );
    expect(text).toContain(
      'cachecore_gateway_upstream_duration_seconds_bucket{le="0.25",outcome="ok"} 0',
    );
    expect(text).toContain(
      'cachecore_gateway_upstream_duration_seconds_sum{outcome="error"} 0.012',
    );
    expect(text).toContain('cachecore_gateway_tokens_saved_total{cache_status="HIT_L1"} 150');
    expect(text).not.toContain('cache_status="HIT_L2"');
    expect(text).toContain(
      'cachecore_gateway_store_errors_total{operation="getEntry",code="store_unavailable"} 2',
    );
    expect(text).toContain(
      'cachecore_gateway_store_errors_total{operation="setEntry",code="store_failed"} 1',
    );
    expect(text).toContain('cachecore_gateway_l2_vetoes_total{guard="numbers"} 1');
  });

  it('keeps two gateways in one process apart and stays out of the global registry', async () => {
    const first = createGatewayMetrics({ defaultLabels: { instance: 'a' } });
    const second = createGatewayMetrics({ defaultLabels: { instance: 'b' }, processMetrics: true });
    first.recordRequest({ pathname: '/health', statusCode: 200, durationMs: 1 });
    const firstText = await first.renderMetrics();
    const secondText = await second.renderMetrics();

    expect(firstText).toContain(
      'cachecore_gateway_requests_total{route="/health",cache_status="NONE",tier="none",code="200",instance="a"} 1',
    );
    expect(secondText).not.toContain('route="/health"');
    expect(secondText).toContain('cachecore_gateway_process_resident_memory_bytes{instance="b"}');
    expect(firstText).not.toContain('process_resident_memory_bytes');
    expect(await globalRegistry.metrics()).not.toContain('cachecore_gateway_');
  });

  it('folds paths into a few route labels', () => {
    expect(routeLabel('/v1/models')).toBe('/v1/other');
    expect(routeLabel('/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(routeLabel('/v1/responses')).toBe('/v1/responses');
    expect(routeLabel('/v1/embeddings')).toBe('/v1/embeddings');
    expect(routeLabel('/admin/stats')).toBe('/admin');
    expect(routeLabel('/healthz')).toBe('/health');
    expect(routeLabel('/wp-login.php')).toBe('other');
  });
});
