import { createTenantToken, startGateway } from '@cachecore/gateway';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { countGatewayAnswers, gatewayHitTarget, primeGatewayHit } from './gateway-hit';
import { type CostTarget, measureServerCost, summariseCost } from './server-cost';
import { BENCH_JWT_SECRET } from './server-process';

let gateway: Awaited<ReturnType<typeof startGateway>>;
let target: CostTarget;

beforeAll(async () => {
  gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 0,
    jwtSecret: BENCH_JWT_SECRET,
    logLevel: 'silent',
  });
  const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'cost-test' });
  const exchange = await primeGatewayHit(gateway.url, tenantJwt);
  target = {
    name: 'gateway',
    ...gatewayHitTarget({ url: gateway.url, pid: process.pid }, exchange),
  };
});
afterAll(() => gateway.close());

const QUICK = { connections: 2, warmUpSeconds: 1, rounds: 1, roundSeconds: 1 };

test('every round measures the gateway answering HIT_L1, with its CPU time per request', async () => {
  const rounds = await measureServerCost([target], QUICK);
  const windows = rounds.get('gateway') ?? [];
  expect(windows).toHaveLength(1);
  const summary = summariseCost(windows);
  expect(summary.requests).toBeGreaterThan(0);
  expect(summary.throughput).toBeGreaterThan(0);
  expect(summary.cpuMicrosPerRequest).toBeGreaterThan(0);
});

test('a window whose answers are not of the expected kind fails the measurement', async () => {
  const expectingMisses = {
    ...target,
    countAnswers: () => countGatewayAnswers(gateway.url, 'MISS'),
  };
  await expect(measureServerCost([expectingMisses], QUICK)).rejects.toThrow(
    /answers were not as expected/,
  );
});
