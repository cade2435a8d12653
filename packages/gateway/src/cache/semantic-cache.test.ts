import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';

const SECRET = 'semantic-test-secret';

interface DevCases {
  near_duplicates_hit: [string, string][];
  near_misses_never: [string, string][];
}

const devCases: DevCases = JSON.parse(
  readFileSync(new URL('../../test/fixtures/l2-dev-cases.json', import.meta.url), 'utf8'),
);

const guardCases: {
  near_misses: { guard: string; cached: string; incoming: string }[];
  near_duplicates: [string, string][];
} = JSON.parse(
  readFileSync(new URL('../../test/fixtures/guard-cases.json', import.meta.url), 'utf8'),
);

async function ask(
  gateway: Gateway,
  token: string,
  content: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token, ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra }),
  });
  const body = await response.json();
  return { status: response.status, headers: response.headers, body };
}

/** A gateway whose threshold lets near misses through, so that only the guards stop them. */
function startLenientGateway(): Promise<Gateway> {
  return startGateway({
    upstream: 'mock',
    mockLatencyMs: 5,
    jwtSecret: SECRET,
    logLevel: 'silent',
    debugHeaders: true,
    l2Threshold: 0.3,
  });
}

describe('semantic cache (L2) through the gateway', () => {
  let gateway: Gateway;
  let tenant = 0;
  const freshToken = () => createTenantToken({ secret: SECRET, tenantId: `l2-tenant-${tenant++}` });

  beforeAll(async () => {
    gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
      debugHeaders: true,
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it.each(devCases.near_duplicates_hit)(
    'serves "%s" to the near-duplicate "%s" (HIT_L2)',
    async (cached, incoming) => {
      const token = await freshToken();
      const first = await ask(gateway, token, cached);
      expect(first.headers.get('x-cache')).toBe('MISS');
      const second = await ask(gateway, token, incoming);
      expect(second.headers.get('x-cache')).toBe('HIT_L2');
      const similarity = Number(second.headers.get('x-cache-similarity'));
      expect(second.headers.get('x-cache-similarity')).toMatch(/^[01]\.\d{4}$/);
      expect(similarity).toBeGreaterThanOrEqual(
        Math.floor((gateway.settings.l2Threshold ?? 1) * 100) / 100,
      );
      expect(second.body.choices[0].message.content).toBe(`Echo: ${cached}`);
      expect(second.headers.get('x-cachecore-namespace-hint')).toMatch(/^[0-9a-f]{12}$/);
    },
  );

  it.each(devCases.near_misses_never)('never serves "%s" to "%s"', async (cached, incoming) => {
    const token = await freshToken();
    await ask(gateway, token, cached);
    const second = await ask(gateway, token, incoming);
    expect(second.headers.get('x-cache')).toBe('MISS');
    expect(second.body.choices[0].message.content).toBe(`Echo: ${incoming}`);
    // The best candidate's similarity is visible for tuning, whether vetoed or under the threshold.
    expect(Number(second.headers.get('x-cachecore-l2-best'))).toBeGreaterThan(0);
  });

  it('never serves one of the extra near misses, even where the threshold would let it', async () => {
    await using lenient = await startLenientGateway();
    const served: string[] = [];
    let vetoed = 0;
    for (const { cached, incoming } of guardCases.near_misses) {
      const token = await freshToken();
      await ask(lenient, token, cached);
      const second = await ask(lenient, token, incoming);
      if (second.body.choices[0].message.content !== `Echo: ${incoming}`) {
        served.push(`${cached} -> ${incoming}: ${second.headers.get('x-cache')}`);
      }
      if (second.headers.get('x-cachecore-l2-veto')) vetoed++;
    }
    expect(served).toEqual([]);
    // Nearly all of them pass the lenient threshold: the guards, not the similarity, keep them out.
    expect(vetoed).toBeGreaterThan(guardCases.near_misses.length - 10);
  }, 120_000);

  it('serves the extra rewordings that reach a lenient threshold', async () => {
    await using lenient = await startLenientGateway();
    const missed: string[] = [];
    for (const [cached, incoming] of guardCases.near_duplicates) {
      const token = await freshToken();
      await ask(lenient, token, cached);
      const second = await ask(lenient, token, incoming);
      const best = Number(second.headers.get('x-cachecore-l2-best') ?? 1);
      // Below even 0.3 with the lexical embedder: a rewording only a sentence embedder finds.
      const hit = second.body.choices[0].message.content === `Echo: ${cached}`;
      if (!hit && best >= 0.3) {
        missed.push(`${cached} -> ${incoming}: ${second.headers.get('x-cachecore-l2-veto')}`);
      }
    }
    expect(missed).toEqual([]);
  }, 120_000);

  it('needs the same context: model, parameters and earlier conversation', async () => {
    const token = await freshToken();
    await ask(gateway, token, 'List the open support tickets', { temperature: 0 });
    const otherTemperature = await ask(gateway, token, 'List  the open support tickets!', {
      temperature: 1,
    });
    expect(otherTemperature.headers.get('x-cache')).toBe('MISS');
    const otherModel = await ask(gateway, token, 'List  the open support tickets!', {
      temperature: 0,
      model: 'gpt-4o',
    });
    expect(otherModel.headers.get('x-cache')).toBe('MISS');
    const sameContext = await ask(gateway, token, 'list the open support tickets', {
      temperature: 0,
    });
    expect(sameContext.headers.get('x-cache')).toBe('HIT_L2');
  });

  it('never serves an L2 entry whose deps were invalidated', async () => {
    const token = await freshToken();
    const deps = Buffer.from(
      JSON.stringify([{ dep_id: 'doc:tickets', expected_hash: 'v1' }]),
    ).toString('base64url');
    await ask(gateway, token, 'What time zone is Tokyo in?', {}, { 'x-cachecore-deps': deps });
    const invalidated = await fetch(`${gateway.url}/v1/invalidate`, {
      method: 'POST',
      headers: { 'x-cachecore-token': token },
      body: JSON.stringify({ dep_id: 'doc:tickets', new_hash: 'v2' }),
    });
    expect((await invalidated.json()).keys_deleted).toBe(1);
    const after = await ask(gateway, token, 'what time zone is tokyo in');
    expect(after.headers.get('x-cache')).toBe('MISS');
  });

  it('reports the vetoing guard when a candidate passes the threshold but differs in what matters', async () => {
    await using lenient = await startLenientGateway();
    const token = await freshToken();
    await ask(lenient, token, 'What is 15% of 200?');
    const vetoed = await ask(lenient, token, 'What is 25% of 200?');
    expect(vetoed.headers.get('x-cache')).toBe('MISS');
    expect(vetoed.headers.get('x-cachecore-l2-veto')).toMatch(/\w+/);

    await using unguarded = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2Threshold: 0.3,
      l2Guards: ['none'],
    });
    await ask(unguarded, token, 'What is 15% of 200?');
    expect((await ask(unguarded, token, 'What is 25% of 200?')).headers.get('x-cache')).toBe(
      'HIT_L2',
    );
  });

  it('answers a miss when the best candidate is vetoed, never the next one down', async () => {
    await using lenient = await startLenientGateway();
    const token = await freshToken();
    // Both pass the threshold; the closer one asks about 15%, the other would pass every guard.
    await ask(lenient, token, 'Tell me, what is 25% of 200, please?');
    await ask(lenient, token, 'What is 15% of 200?');
    const incoming = await ask(lenient, token, 'What is 25% of 200?');
    expect(incoming.headers.get('x-cache')).toBe('MISS');
    expect(incoming.headers.get('x-cachecore-l2-veto')).toBe('number');
    expect(Number(incoming.headers.get('x-cachecore-l2-best'))).toBeGreaterThan(0.7);
    expect(incoming.body.choices[0].message.content).toBe('Echo: What is 25% of 200?');
  });

  it('stays exact-match only with l2 off', async () => {
    await using exactOnly = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
    });
    const token = await freshToken();
    await ask(exactOnly, token, 'Summarise contract #123');
    expect((await ask(exactOnly, token, 'summarise contract #123.')).headers.get('x-cache')).toBe(
      'MISS',
    );
  });
});
