import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayProcess,
  killGatewayProcesses,
  startGatewayProcess,
} from '../test/support/gateway-process';
import { ask, depsHeader, invalidate } from '../test/support/gateway-requests';
import {
  checkTestRedis,
  createTestPrefix,
  deleteKeysWithPrefix,
  hasRedisServerBinary,
  type PrivateRedisServer,
  REDIS_REQUIRED,
  startPrivateRedisServer,
  TEST_REDIS_URL,
} from '../test/support/redis-test-support';
import { startVersionedUpstream, type VersionedUpstream } from '../test/support/versioned-upstream';
import { createTenantToken } from './auth/create-tenant-token';
import { type Gateway, startGateway } from './gateway';
import { createMockUpstream, type MockUpstream } from './upstream/mock-upstream';

const SECRET = 'scale-out-test-secret';

const redisAvailable = await checkTestRedis();

function gatewayArgs(upstream: { url: string }, storeUrl: string, prefix: string): string[] {
  return [
    '--port',
    '0',
    '--upstream',
    upstream.url,
    '--jwt-secret',
    SECRET,
    '--store',
    storeUrl,
    '--redis-prefix',
    prefix,
    '--log-level',
    'warn',
  ];
}

afterAll(killGatewayProcesses);

describe.skipIf(!redisAvailable)('two gateway processes sharing one Redis', () => {
  const prefix = createTestPrefix('scale-out');
  let upstream: MockUpstream;
  let gatewayA: GatewayProcess;
  let gatewayB: GatewayProcess;
  let token: string;

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 20 });
    [gatewayA, gatewayB] = await Promise.all([
      startGatewayProcess(gatewayArgs(upstream, TEST_REDIS_URL, prefix)),
      startGatewayProcess(gatewayArgs(upstream, TEST_REDIS_URL, prefix)),
    ]);
    token = await createTenantToken({ secret: SECRET, tenantId: `scale-${Date.now()}` });
  }, 40_000);

  afterAll(async () => {
    await gatewayA?.kill();
    await gatewayB?.kill();
    await upstream?.close();
    await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
  });

  it('answers a request written through A from L1 through B', async () => {
    const first = await ask(gatewayA, token, 'Summarise the quarterly report');
    expect(first.cache).toBe('MISS');
    const calls = upstream.requestCount;
    const second = await ask(gatewayB, token, 'Summarise the quarterly report');
    expect(second).toEqual({
      status: 200,
      cache: 'HIT_L1',
      content: 'Echo: Summarise the quarterly report',
    });
    expect(upstream.requestCount).toBe(calls);
  });

  it("serves a near-duplicate through B from A's entry at L2 within a second", async () => {
    const l2Token = await createTenantToken({ secret: SECRET, tenantId: `scale-l2-${Date.now()}` });
    // B loads its (empty) index of this namespace first, through a miss that is not cached
    // (upstream error), so A's entry can only reach it through pub/sub.
    upstream.failNext(500);
    expect((await ask(gatewayB, l2Token, 'List the open support tickets')).status).toBe(500);

    expect((await ask(gatewayA, l2Token, 'What time zone is Tokyo in?')).cache).toBe('MISS');
    // Poll with misses that cannot be cached (an armed upstream failure), so polling writes nothing.
    const deadline = Date.now() + 1_000;
    let answer: Awaited<ReturnType<typeof ask>>;
    do {
      upstream.failNext(500);
      answer = await ask(gatewayB, l2Token, 'what time zone is tokyo in');
    } while (answer.cache !== 'HIT_L2' && Date.now() < deadline);
    upstream.reset();
    expect(answer).toEqual({
      status: 200,
      cache: 'HIT_L2',
      content: 'Echo: What time zone is Tokyo in?',
    });
  });

  it('makes one upstream call for concurrent identical misses spread over both instances', async () => {
    const calls = upstream.requestCount;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        ask(index % 2 === 0 ? gatewayA : gatewayB, token, 'Draft the release notes'),
      ),
    );
    expect(upstream.requestCount - calls).toBe(1);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, content: 'Echo: Draft the release notes' });
    }
  });

  it('misses on A at once after an invalidation through B', async () => {
    const before = depsHeader({ 'doc:42': 'v1' });
    expect((await ask(gatewayA, token, 'Quote doc 42', before)).cache).toBe('MISS');
    expect((await ask(gatewayA, token, 'Quote doc 42', before)).cache).toBe('HIT_L1');

    const invalidated = await invalidate(gatewayB, token, 'doc:42', 'v2');
    expect(invalidated.body).toMatchObject({ ok: true, keys_deleted: 1 });
    expect((await ask(gatewayA, token, 'Quote doc 42', before)).cache).toBe('MISS');
    const after = depsHeader({ 'doc:42': 'v2' });
    expect((await ask(gatewayA, token, 'Quote doc 42', after)).cache).toBe('MISS');
    expect((await ask(gatewayB, token, 'Quote doc 42', after)).cache).toBe('HIT_L1');
  });

  it('loses nothing when A is killed with SIGKILL and restarted', async () => {
    expect((await ask(gatewayA, token, 'Explain the refund policy')).cache).toBe('MISS');
    await gatewayA.kill();
    gatewayA = await startGatewayProcess(gatewayArgs(upstream, TEST_REDIS_URL, prefix));
    expect((await ask(gatewayA, token, 'Explain the refund policy')).cache).toBe('HIT_L1');
    expect((await ask(gatewayA, token, 'Summarise the quarterly report')).cache).toBe('HIT_L1');
    // The restarted instance rebuilds its L2 index from Redis.
    expect((await ask(gatewayA, token, 'explain the refund policy!')).cache).toBe('HIT_L2');
  }, 30_000);

  it('serves Prometheus metrics on every instance', async () => {
    for (const gateway of [gatewayA, gatewayB]) {
      const response = await fetch(`${gateway.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await response.text()).toMatch(
        /cachecore_gateway_requests_total\{[^}]*cache_status="HIT_L1"[^}]*\} \d+/,
      );
    }
  });
});

/** Resolves once `condition` holds, checking every 10 ms. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe.skipIf(!redisAvailable)(
  'a follower on another instance whose leader writes nothing',
  () => {
    // The upstream timeout is far above every wait these tests allow: a follower that waited for it
    // (or for the fixed 30 s it used to) fails them.
    const UPSTREAM_TIMEOUT_MS = 60_000;
    const prefix = createTestPrefix('takeover');
    let upstream: VersionedUpstream;
    let follower: Gateway;
    let token: string;

    beforeAll(async () => {
      upstream = await startVersionedUpstream(50);
      follower = await startInstance();
      token = await createTenantToken({ secret: SECRET, tenantId: `takeover-${Date.now()}` });
    }, 20_000);

    afterAll(async () => {
      await follower?.close();
      await upstream?.close();
      await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
    });

    /** An in-process gateway instance on the shared Redis. */
    function startInstance(): Promise<Gateway> {
      return startGateway({
        upstream: upstream.url,
        jwtSecret: SECRET,
        logLevel: 'silent',
        l2: false,
        store: TEST_REDIS_URL,
        redisPrefix: prefix,
        upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
      });
    }

    /** Sends `content` to the leader, then, once the leader is upstream, to the follower. */
    async function followLeader(
      leader: { url: string },
      content: string,
      options: { signal?: AbortSignal } = {},
    ) {
      const callsBefore = upstream.calls;
      const leading = ask(leader, token, content, {}, options.signal).catch(
        (error: Error) => error,
      );
      await waitUntil(() => upstream.calls > callsBefore);
      const started = performance.now();
      let pending = true;
      const following = ask(follower, token, content).finally(() => {
        pending = false;
      });
      // The upstream answers a call in 50 ms: a follower still waiting after 150 ms is waiting for
      // the leader, not calling upstream next to it.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(pending).toBe(true);
      return { leading, following, started };
    }

    it("takes over at once when the leader's upstream call fails", async () => {
      await using leader = await startInstance();
      const first = upstream.calls;
      upstream.behave((call) =>
        call === first
          ? { kind: 'fail', latencyMs: 300, status: 500 }
          : { kind: 'answer', latencyMs: 50 },
      );
      const { leading, following, started } = await followLeader(leader, 'Which plan is cheapest?');
      const answer = await following;
      const waitedMs = performance.now() - started;
      expect(await leading).toMatchObject({ status: 500 });
      expect(answer).toEqual({
        status: 200,
        cache: 'MISS',
        content: 'v1: Which plan is cheapest?',
      });
      expect(upstream.calls - first).toBe(2);
      expect(waitedMs).toBeLessThan(5_000);
    }, 20_000);

    it("takes over at once when the leader's client goes away", async () => {
      await using leader = await startInstance();
      const first = upstream.calls;
      upstream.behave((call) =>
        call === first ? { kind: 'hang' } : { kind: 'answer', latencyMs: 50 },
      );
      const client = new AbortController();
      const { following, started } = await followLeader(leader, 'Which plan is fastest?', {
        signal: client.signal,
      });
      client.abort();
      const answer = await following;
      expect(answer).toEqual({ status: 200, cache: 'MISS', content: 'v1: Which plan is fastest?' });
      expect(performance.now() - started).toBeLessThan(5_000);
    }, 20_000);

    it('completes within about the lease when the leader process is killed with SIGKILL mid-call', async () => {
      const leader = await startGatewayProcess([
        ...gatewayArgs(upstream, TEST_REDIS_URL, prefix),
        '--no-l2',
        '--upstream-timeout-ms',
        String(UPSTREAM_TIMEOUT_MS),
      ]);
      const first = upstream.calls;
      upstream.behave((call) =>
        call === first ? { kind: 'hang' } : { kind: 'answer', latencyMs: 50 },
      );
      const { leading, following, started } = await followLeader(leader, 'Which plan is safest?');
      await leader.kill();
      const answer = await following;
      expect(await leading).toBeInstanceOf(Error);
      expect(answer).toEqual({ status: 200, cache: 'MISS', content: 'v1: Which plan is safest?' });
      // The dead leader's lease (3 s) runs out; its 60 s upstream timeout does not matter.
      expect(performance.now() - started).toBeLessThan(10_000);
    }, 40_000);
  },
);

describe.skipIf(!redisAvailable || (!hasRedisServerBinary() && !REDIS_REQUIRED))(
  'a gateway process whose Redis goes away',
  () => {
    let server: PrivateRedisServer;
    let upstream: MockUpstream;
    let gateway: GatewayProcess;

    beforeAll(async () => {
      server = await startPrivateRedisServer();
      upstream = await createMockUpstream({ latencyMs: 5 });
      gateway = await startGatewayProcess(gatewayArgs(upstream, server.url, 'cc:'));
    }, 30_000);

    afterAll(async () => {
      await gateway?.kill();
      await upstream?.close();
      await server?.kill();
    });

    it('answers uncached without a 500 while Redis is down, and caches again once it is back', async () => {
      const token = await createTenantToken({ secret: SECRET, tenantId: 'outage' });
      expect((await ask(gateway, token, 'Name the capital of Peru')).cache).toBe('MISS');
      expect((await ask(gateway, token, 'Name the capital of Peru')).cache).toBe('HIT_L1');

      await server.kill();
      for (const content of [
        'Name the capital of Peru',
        'Name the capital of Chile',
        'Name the capital of Chile',
      ]) {
        const started = performance.now();
        const answer = await ask(gateway, token, content);
        expect(answer).toEqual({ status: 200, cache: 'MISS', content: `Echo: ${content}` });
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      // An invalidation cannot be recorded: it must say so rather than answer ok.
      expect((await invalidate(gateway, token, 'doc:1', 'v2')).status).toBe(503);
      expect(gateway.output()).toMatch(/redis store (unavailable|connection lost)/);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/cachecore_gateway_store_errors_total\{[^}]*\} [1-9]/);

      await server.restart();
      const deadline = Date.now() + 10_000;
      let cached = false;
      for (let attempt = 0; !cached && Date.now() < deadline; attempt += 1) {
        const content = `Name the capital of Bolivia (${attempt})`;
        if ((await ask(gateway, token, content)).cache !== 'MISS') continue;
        cached = (await ask(gateway, token, content)).cache === 'HIT_L1';
        if (!cached) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(cached).toBe(true);
    }, 30_000);
  },
);
