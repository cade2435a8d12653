import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGatewayProcesses, startGatewayProcess } from '../test/support/gateway-process';
import { ask, depsHeader, invalidate } from '../test/support/gateway-requests';
import {
  checkRedisClusterBinaries,
  useTestRedisCluster,
} from '../test/support/redis-cluster-test-support';
import { createTestPrefix, waitFor } from '../test/support/redis-test-support';
import { startVersionedUpstream, type VersionedUpstream } from '../test/support/versioned-upstream';
import type { GatewayStats } from './admin/admin-routes';
import { createTenantToken } from './auth/create-tenant-token';
import { type Gateway, startGateway } from './gateway';

const SECRET = 'cluster-scale-out-test-secret';
const ADMIN_TOKEN = 'cluster-admin-token';

const clusterAvailable = checkRedisClusterBinaries();

afterAll(killGatewayProcesses);

describe.skipIf(!clusterAvailable)('two gateway instances sharing one Redis Cluster', () => {
  const cluster = useTestRedisCluster();
  const prefix = createTestPrefix('cluster-scale-out');
  let upstream: VersionedUpstream;
  let gatewayA: Gateway;
  let gatewayB: Gateway;
  let tenantCount = 0;

  /** A token of a tenant of its own; some ids hold braces and colons, as hash tags must cope. */
  const freshTenant = (claims: { rateLimitRpm?: number } = {}) => {
    const awkward = ['acme', 'acme:{eu}', 'a}b'][tenantCount % 3];
    tenantCount += 1;
    const tenantId = `${awkward}-${tenantCount}-${Date.now()}`;
    return createTenantToken({ secret: SECRET, tenantId, ...claims }).then((token) => ({
      tenantId,
      token,
    }));
  };

  const startInstance = () =>
    startGateway({
      upstream: upstream.url,
      jwtSecret: SECRET,
      adminToken: ADMIN_TOKEN,
      logLevel: 'silent',
      store: cluster.current.url,
      redisPrefix: prefix,
    });

  beforeAll(async () => {
    upstream = await startVersionedUpstream(5);
    [gatewayA, gatewayB] = await Promise.all([startInstance(), startInstance()]);
  }, 30_000);

  afterAll(async () => {
    await gatewayA?.close();
    await gatewayB?.close();
    await upstream?.close();
  });

  it('answers a request written through A from L1 through B', async () => {
    const { token } = await freshTenant();
    expect((await ask(gatewayA, token, 'Summarise the quarterly report')).cache).toBe('MISS');
    const calls = upstream.calls;
    expect(await ask(gatewayB, token, 'Summarise the quarterly report')).toEqual({
      status: 200,
      cache: 'HIT_L1',
      content: 'v1: Summarise the quarterly report',
    });
    expect(upstream.calls).toBe(calls);
  });

  it("serves a near-duplicate through B from A's entry at L2, once the change feed brought it", async () => {
    const { token } = await freshTenant();
    // B loads its (empty) index of this namespace first, through a miss that is not cached
    // (upstream error), so A's vector can only reach it through pub/sub.
    upstream.behave(() => ({ kind: 'fail', latencyMs: 0, status: 500 }));
    expect((await ask(gatewayB, token, 'List the open support tickets')).status).toBe(500);
    upstream.behave(() => ({ kind: 'answer', latencyMs: 5 }));

    expect((await ask(gatewayA, token, 'What time zone is Tokyo in?')).cache).toBe('MISS');
    // Poll with misses that cannot be cached (a failing upstream), so polling writes nothing.
    upstream.behave(() => ({ kind: 'fail', latencyMs: 0, status: 500 }));
    const deadline = Date.now() + 2_000;
    let answer: Awaited<ReturnType<typeof ask>>;
    do {
      answer = await ask(gatewayB, token, 'what time zone is tokyo in');
    } while (answer.cache !== 'HIT_L2' && Date.now() < deadline);
    upstream.behave(() => ({ kind: 'answer', latencyMs: 5 }));
    expect(answer).toEqual({
      status: 200,
      cache: 'HIT_L2',
      content: 'v1: What time zone is Tokyo in?',
    });
  });

  it('never serves the old answer through B once an invalidation through A answered ok', async () => {
    const { token } = await freshTenant();
    const before = depsHeader({ 'doc:42': 'v1' });
    expect((await ask(gatewayA, token, 'Quote doc 42', before)).cache).toBe('MISS');
    expect(await ask(gatewayB, token, 'Quote doc 42', before)).toMatchObject({
      cache: 'HIT_L1',
      content: 'v1: Quote doc 42',
    });

    upstream.version = 2;
    const invalidated = await invalidate(gatewayA, token, 'doc:42', 'v2');
    expect(invalidated).toEqual({
      status: 200,
      body: { ok: true, dep_id: 'doc:42', new_hash: 'v2', keys_deleted: 1 },
    });
    const after = depsHeader({ 'doc:42': 'v2' });
    for (const [content, headers] of [
      ['Quote doc 42', before],
      ['Quote doc 42', {}],
      ['quote doc 42!', before],
      ['Quote doc 42', after],
      ['Quote doc 42', after],
    ] as const) {
      const answer = await ask(gatewayB, token, content, headers);
      expect(answer.status).toBe(200);
      expect(String(answer.content)).toMatch(/^v2: /);
    }
    expect((await ask(gatewayB, token, 'Quote doc 42', after)).cache).toBe('HIT_L1');
  });

  it("reports every tenant's counts of both instances in /admin/stats of either", async () => {
    const first = await freshTenant();
    const second = await freshTenant();
    // Each tenant: a miss on one instance, a hit on the other.
    await ask(gatewayA, first.token, 'Name the first planet');
    await ask(gatewayB, first.token, 'Name the first planet');
    await ask(gatewayB, second.token, 'Name the second planet');
    await ask(gatewayA, second.token, 'Name the second planet');
    await ask(gatewayA, second.token, 'Name the second planet');
    for (const gateway of [gatewayA, gatewayB]) {
      const response = await fetch(`${gateway.url}/admin/stats`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const stats = (await response.json()) as GatewayStats;
      expect(stats.store).toBe('redis');
      expect(stats.tenants[first.tenantId]).toMatchObject({ misses: 1, hits_l1: 1, entries: 1 });
      expect(stats.tenants[second.tenantId]).toMatchObject({ misses: 1, hits_l1: 2, entries: 1 });
    }
  });

  it("counts a tenant's rate limit across both instances", async () => {
    const { token } = await freshTenant({ rateLimitRpm: 3 });
    const statuses = [];
    for (const gateway of [gatewayA, gatewayB, gatewayA, gatewayB]) {
      statuses.push((await ask(gateway, token, 'Which plan is cheapest?')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('starts from the CLI with --store redis-cluster://… and serves a hit', async () => {
    const { token } = await freshTenant();
    const cli = await startGatewayProcess([
      '--port',
      '0',
      '--upstream',
      upstream.url,
      '--jwt-secret',
      SECRET,
      '--store',
      cluster.current.url,
      '--redis-prefix',
      prefix,
      '--log-level',
      'warn',
    ]);
    try {
      const banner = `store: redis (${cluster.current.url}, prefix ${prefix})`;
      await waitFor(() => cli.output().includes(banner));
      expect((await ask(cli, token, 'Explain the refund policy')).cache).toBe('MISS');
      expect((await ask(cli, token, 'Explain the refund policy')).cache).toBe('HIT_L1');
      // And the in-process instances share what the CLI wrote.
      expect((await ask(gatewayA, token, 'Explain the refund policy')).cache).toBe('HIT_L1');
    } finally {
      await cli.kill();
    }
  }, 30_000);
});
