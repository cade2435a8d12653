import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cacheableRequest,
  createStageContext,
  startStageServer,
  verifiedTenant,
} from '../../test/support/pipeline-test-context';
import type { TenantIdentity } from '../auth/tenant-claims';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';
import { fillFromUpstream } from './fill';
import { flightKeyOf } from './flight-key';
import { respondWithOutcome } from './respond';

describe('fill stage', () => {
  let upstream: MockUpstream;
  let context: GatewayContext;
  let identity: TenantIdentity;
  let server: Awaited<ReturnType<typeof startStageServer>>;
  const observations: ObservedRequest[] = [];

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 50 });
    context = await createStageContext({ upstream: upstream.url });
    identity = await verifiedTenant(context, 'acme');
    // Fills every request as a miss, writable unless the client says `x-test-writable: no`.
    server = await startStageServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const deps = request.headers['x-cachecore-deps'];
      const cacheable = cacheableRequest(context, identity, '', {
        body,
        headers: typeof deps === 'string' ? { 'x-cachecore-deps': deps } : {},
      });
      const observation: ObservedRequest = {};
      observations.push(observation);
      const miss = {
        kind: 'miss' as const,
        writable: request.headers['x-test-writable'] !== 'no',
        vector: undefined,
        debugHeaders: {},
      };
      const headers = { 'x-cache': 'MISS' };
      const outcome = await fillFromUpstream(
        context,
        request,
        response,
        cacheable,
        miss,
        observation,
        headers,
      );
      respondWithOutcome(response, cacheable.chat, outcome, headers);
    });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.reset();
    observations.length = 0;
  });

  const ask = (
    content: string,
    options: { stream?: boolean; writable?: boolean; depsHash?: string } = {},
  ) =>
    // The fill stage calls upstream at the request's own path, as the gateway's route does.
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'x-test-writable': options.writable === false ? 'no' : 'yes',
        ...(options.depsHash === undefined
          ? {}
          : {
              'x-cachecore-deps': Buffer.from(
                JSON.stringify([{ dep_id: 'doc', expected_hash: options.depsHash }]),
              ).toString('base64url'),
            }),
      },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content }],
        stream: options.stream === true,
      }),
    });
  const storedContent = async (content: string) => {
    const entry = await context.store.getEntry(
      identity.tenantId,
      cacheableRequest(context, identity, content).l1Key,
    );
    return entry ? JSON.parse(entry.body).choices[0].message.content : undefined;
  };

  it('makes one upstream call for concurrent identical misses and stores the answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => ask('together').then((response) => response.json())),
    );
    expect(upstream.requestCount).toBe(1);
    for (const answer of answers) expect(answer.choices[0].message.content).toBe('Echo: together');
    expect(observations.filter((observation) => observation.flight === 'follower')).toHaveLength(4);
    expect(await storedContent('together')).toBe('Echo: together');
  });

  it('never joins a flight started for other dep hashes', async () => {
    const answers = await Promise.all([
      ask('by version', { depsHash: 'v1' }),
      ask('by version', { depsHash: 'v1' }),
      ask('by version', { depsHash: 'v2' }),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(upstream.requestCount).toBe(2);
    expect(observations.map((observation) => observation.flight).sort()).toEqual([
      'follower',
      'leader',
      'leader',
    ]);
  });

  it('passes a stream through and stores the assembled completion', async () => {
    const response = await ask('streamed', { stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(await storedContent('streamed')).toBe('Echo: streamed');
  });

  it('answers but stores nothing for a request that may not write', async () => {
    const answer = await (await ask('outdated', { writable: false })).json();
    expect(answer.choices[0].message.content).toBe('Echo: outdated');
    expect(await storedContent('outdated')).toBeUndefined();
  });

  it('relays an upstream error with its status and stores nothing', async () => {
    upstream.failNext(503);
    const response = await ask('failing');
    expect(response.status).toBe(503);
    expect(await storedContent('failing')).toBeUndefined();
    expect(observations[0]?.upstream).toMatchObject({ status: 503, outcome: 'error' });
  });

  describe('while another instance holds the flight', () => {
    /** Holds the flight lock of `content` (no deps) as another instance would, until released. */
    const holdForeignFlight = async (content: string) => {
      const lockKey = `flight:${flightKeyOf(cacheableRequest(context, identity, content))}`;
      const owner = await context.store.acquireLock(lockKey, 10_000);
      expect(owner).toBeTruthy();
      return () => context.store.releaseLock(lockKey, owner!);
    };

    it('never answers from an entry whose deps were invalidated since', async () => {
      // An entry stored with doc at v1, then doc moved to v2 while the entry stayed in the store
      // (an invalidation that set the new hash but failed before deleting the entry).
      expect((await ask('outdated elsewhere', { depsHash: 'v1' })).status).toBe(200);
      expect(await storedContent('outdated elsewhere')).toBe('Echo: outdated elsewhere');
      await context.store.setDepHash(identity.tenantId, 'doc', 'v2');
      upstream.reset();
      observations.length = 0;

      const release = await holdForeignFlight('outdated elsewhere');
      const answering = ask('outdated elsewhere');
      await new Promise((resolve) => setTimeout(resolve, 150));
      // Still waiting: the stored entry may not answer it.
      expect(upstream.requestCount).toBe(0);
      await release();
      const answer = await answering;
      expect(answer.status).toBe(200);
      await answer.json();
      expect(upstream.requestCount).toBe(1);
      expect(observations[0]?.flight).toBe('leader');
    });
  });
});
