import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';

const SECRET = 'metrics-route-secret';

describe('GET /metrics', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it('reports requests by cache status, upstream latency and tokens saved, without authentication', async () => {
    const token = await createTenantToken({ secret: SECRET, tenantId: 'metrics' });
    const ask = async () => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Count to three' }],
        }),
      });
      await response.json();
      return response.headers.get('x-cache');
    };
    expect(await ask()).toBe('MISS');
    expect(await ask()).toBe('HIT_L1');
    expect(await ask()).toBe('HIT_L1');

    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/v1/chat/completions",cache_status="HIT_L1",tier="l1",code="200"} 2',
    );
    expect(text).toContain(
      'cachecore_gateway_requests_total{route="/v1/chat/completions",cache_status="MISS",tier="upstream",code="200"} 1',
    );
    expect(text).toContain('cachecore_gateway_upstream_duration_seconds_count{outcome="ok"} 1');
    const saved = Number(
      /cachecore_gateway_tokens_saved_total\{cache_status="HIT_L1"\} (\d+)/.exec(text)?.[1],
    );
    expect(saved).toBeGreaterThan(0);
    expect(saved % 2).toBe(0);
    // The same gateway object exposes the same series programmatically.
    expect(await gateway.metrics.renderMetrics()).toContain('route="/metrics"');
  });
});
