import { describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { startGateway } from '../gateway';
import type { GatewayLogger } from '../log/logger';

describe('the observation of a request', () => {
  it('is what the request log line and the metrics report, miss and hit alike', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: GatewayLogger = {
      error() {},
      warn() {},
      debug() {},
      info(message, fields) {
        if (message === 'request') lines.push(fields ?? {});
      },
    };
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 1,
      jwtSecret: 'observation-secret',
      logger,
      l2: false,
    });
    const token = await createTenantToken({ secret: 'observation-secret', tenantId: 'acme' });
    const ask = () =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      }).then((response) => response.text());
    await ask();
    await ask();

    expect(lines[0]).toMatchObject({
      route: '/v1/chat/completions',
      status: 200,
      tenant: 'acme',
      model: 'gpt-4o-mini',
      stream: false,
      cache: 'MISS',
      single_flight: 'leader',
      upstream_status: 200,
    });
    expect(lines[0]?.upstream_ms).toEqual(expect.any(Number));
    expect(lines[1]).toMatchObject({ cache: 'HIT_L1', tokens_saved: expect.any(Number) });
    expect(lines[1]).not.toHaveProperty('upstream_ms');

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/requests_total\{[^}]*cache_status="MISS"[^}]*\} 1/);
    expect(metrics).toMatch(/requests_total\{[^}]*cache_status="HIT_L1"[^}]*\} 1/);
    expect(metrics).toMatch(/upstream_duration_seconds_count\{outcome="ok"\} 1/);
  });
});
