import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startVersionedUpstream } from '../test/support/versioned-upstream';
import { createTenantToken } from './auth/create-tenant-token';
import { type Gateway, startGateway } from './gateway';
import { createMemoryStore } from './store/memory-store';
import type { Store } from './store/store';
import { createMockUpstream, type MockUpstream } from './upstream/mock-upstream';

const SECRET = 'gateway-test-secret';

/** Parsed JSON of an answer; tests assert on it field by field, as a user reading it would. */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON read in assertions only
type Json = any;

interface ChatAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

async function chat(
  gateway: Gateway,
  body: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<ChatAnswer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.token) headers['x-cachecore-token'] = options.token;
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function ask(content: string, extra: Record<string, unknown> = {}) {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra };
}

/** Parses an SSE body into its data payloads; the last must be `[DONE]`. */
function parseSse(text: string): { chunks: Json[]; done: boolean } {
  const events = text
    .split('\n\n')
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice('data: '.length);
    });
  const done = events[events.length - 1] === '[DONE]';
  return {
    chunks: events.filter((event) => event !== '[DONE]').map((event) => JSON.parse(event)),
    done,
  };
}

function streamedContent(chunks: Json[]): string {
  return chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
}

function encodeDeps(deps: Array<{ dep_id: string; expected_hash: string }>): string {
  return Buffer.from(JSON.stringify(deps)).toString('base64url');
}

describe('gateway over the mock upstream', () => {
  let clock = Date.now();
  let upstream: MockUpstream;
  let gateway: Gateway;
  let token: string;

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 5 });
    gateway = await startGateway({
      upstream: upstream.url,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
      adminToken: 'admin-secret',
      bypassRpm: 1000,
      now: () => clock,
    });
    token = await createTenantToken({ secret: SECRET, tenantId: 'acme' });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  afterEach(() => {
    upstream.reset();
  });

  it('answers MISS, then HIT_L1 with similarity 1.0000 and the entry age', async () => {
    const first = await chat(gateway, ask('What is the capital of France?'), { token });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('x-cache-similarity')).toBe('0.0000');
    expect(first.headers.get('x-cache-age')).toBe('0');
    expect(first.json.choices[0].message.content).toBe('Echo: What is the capital of France?');

    clock += 42_000;
    const second = await chat(gateway, ask('What is the capital of France?'), { token });
    expect(second.headers.get('x-cache')).toBe('HIT_L1');
    expect(second.headers.get('cache-status')).toMatch(/^Cachecore; hit; ttl=\d+; detail=l1$/);
    expect(second.headers.get('x-cache-similarity')).toBe('1.0000');
    expect(second.headers.get('x-cache-age')).toBe('42');
    expect(second.json).toEqual(first.json);
    expect(upstream.requestCount).toBe(1);
  });

  it('matches L1 whatever the key order of the body', async () => {
    await chat(
      gateway,
      { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'order test' }] },
      { token },
    );
    const reordered = await chat(
      gateway,
      { messages: [{ content: 'order test', role: 'user' }], temperature: 0, model: 'gpt-4o-mini' },
      { token },
    );
    expect(reordered.headers.get('x-cache')).toBe('HIT_L1');
  });

  it('isolates tenants, system prompts, tools and models', async () => {
    const base = ask('isolation question');
    await chat(gateway, base, { token });
    expect((await chat(gateway, base, { token })).headers.get('x-cache')).toBe('HIT_L1');

    const otherTenant = await createTenantToken({ secret: SECRET, tenantId: 'globex' });
    expect((await chat(gateway, base, { token: otherTenant })).headers.get('x-cache')).toBe('MISS');

    const withSystem = {
      ...base,
      messages: [{ role: 'system', content: 'You are terse.' }, ...base.messages],
    };
    expect((await chat(gateway, withSystem, { token })).headers.get('x-cache')).toBe('MISS');

    const withTools = {
      ...base,
      tool_choice: 'none',
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
        },
      ],
    };
    expect((await chat(gateway, withTools, { token })).headers.get('x-cache')).toBe('MISS');

    expect(
      (await chat(gateway, { ...base, model: 'gpt-4o' }, { token })).headers.get('x-cache'),
    ).toBe('MISS');

    const otherRoles = await createTenantToken({
      secret: SECRET,
      tenantId: 'acme',
      roles: ['admin'],
    });
    expect((await chat(gateway, base, { token: otherRoles })).headers.get('x-cache')).toBe('MISS');
  });

  it('bypasses the cache without a tenant token, also behind a placeholder Authorization', async () => {
    const body = ask('bypass me');
    const first = await chat(gateway, body);
    const second = await chat(gateway, body, {
      headers: { authorization: 'Bearer sk-placeholder' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('BYPASS');
    expect(second.headers.get('x-cache')).toBe('BYPASS');
    expect(second.json.choices[0].message.content).toBe('Echo: bypass me');
    expect(upstream.requestCount).toBe(2);
    // Without an upstream key, a bypass request's own Authorization goes upstream.
    expect(upstream.requests[1]?.headers.authorization).toBe('Bearer sk-placeholder');
    // Bypass traffic never fills the cache.
    expect((await chat(gateway, body, { token })).headers.get('x-cache')).toBe('MISS');
  });

  it('accepts the token as Authorization: Bearer, with any header casing and a cc_live_ prefix', async () => {
    const prefixed = await createTenantToken({ secret: SECRET, tenantId: 'acme', keyPrefix: 'k1' });
    expect(prefixed).toMatch(/^cc_live_k1\.eyJ/);
    const body = ask('token forms');
    const viaBearer = await chat(gateway, body, {
      headers: { Authorization: `Bearer ${prefixed}` },
    });
    expect(viaBearer.headers.get('x-cache')).toBe('MISS');
    const viaCasing = await chat(gateway, body, { headers: { 'X-CacheCore-Token': token } });
    expect(viaCasing.headers.get('x-cache')).toBe('HIT_L1');
  });

  it('rejects invalid tenant tokens with 401, never as bypass', async () => {
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const algNone = `${header({ alg: 'none', typ: 'JWT' })}.${header({ tenant_id: 'acme' })}.`;
    const expired = await createTenantToken({ secret: SECRET, tenantId: 'acme', expiresIn: -60 });
    const wrongSignature = await createTenantToken({ secret: 'another-secret', tenantId: 'acme' });
    const noTenant = await createTenantToken({
      secret: SECRET,
      tenantId: '',
      claims: { tenant_id: undefined },
    });
    for (const bad of [algNone, expired, wrongSignature, noTenant, 'eyJhbGciOi.broken.token']) {
      const viaHeader = await chat(gateway, ask('auth'), { token: bad });
      expect(viaHeader.status, bad).toBe(401);
      expect(viaHeader.json.error.message).toEqual(expect.any(String));
      const viaBearer = await chat(gateway, ask('auth'), {
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(viaBearer.status).toBe(401);
    }
    const expiredAnswer = await chat(gateway, ask('auth'), { token: expired });
    expect(expiredAnswer.json.error.message).toMatch(/expired/);
    expect(upstream.requestCount).toBe(0);
  });

  it('stores streamed answers and serves them as JSON, and JSON answers as valid SSE', async () => {
    const streamed = await chat(gateway, ask('stream me please', { stream: true }), { token });
    expect(streamed.headers.get('x-cache')).toBe('MISS');
    expect(streamed.headers.get('content-type')).toMatch(/text\/event-stream/);
    const live = parseSse(streamed.text);
    expect(live.done).toBe(true);
    expect(streamedContent(live.chunks)).toBe('Echo: stream me please');

    const asJson = await chat(gateway, ask('stream me please'), { token });
    expect(asJson.headers.get('x-cache')).toBe('HIT_L1');
    expect(asJson.json.object).toBe('chat.completion');
    expect(asJson.json.choices[0].message).toMatchObject({
      role: 'assistant',
      content: 'Echo: stream me please',
    });
    expect(asJson.json.choices[0].finish_reason).toBe('stop');

    await chat(gateway, ask('json first'), { token });
    const replay = await chat(
      gateway,
      ask('json first', { stream: true, stream_options: { include_usage: true } }),
      { token },
    );
    expect(replay.headers.get('x-cache')).toBe('HIT_L1');
    const replayed = parseSse(replay.text);
    expect(replayed.done).toBe(true);
    expect(replayed.chunks[0].choices[0].delta.role).toBe('assistant');
    expect(streamedContent(replayed.chunks)).toBe('Echo: json first');
    const finish = replayed.chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe('stop');
    const usage = replayed.chunks[replayed.chunks.length - 1];
    expect(usage.choices).toEqual([]);
    expect(usage.usage.total_tokens).toBeGreaterThan(0);
    expect(upstream.requestCount).toBe(2);
  });

  it('caches and replays tool calls, streamed or not', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      },
    ];
    const first = await chat(gateway, ask('Paris', { tools, stream: true }), { token });
    expect(parseSse(first.text).done).toBe(true);
    const cached = await chat(gateway, ask('Paris', { tools }), { token });
    expect(cached.headers.get('x-cache')).toBe('HIT_L1');
    const message = cached.json.choices[0].message;
    expect(cached.json.choices[0].finish_reason).toBe('tool_calls');
    expect(message.tool_calls[0].function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });

    const replay = parseSse(
      (await chat(gateway, ask('Paris', { tools, stream: true }), { token })).text,
    );
    const toolChunk = replay.chunks.find((chunk) => chunk.choices[0]?.delta?.tool_calls);
    expect(toolChunk.choices[0].delta.tool_calls[0]).toMatchObject({
      index: 0,
      id: message.tool_calls[0].id,
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
  });

  it('never forwards the tenant token or x-cachecore headers upstream', async () => {
    await chat(gateway, ask('secret headers'), {
      headers: {
        authorization: `Bearer ${token}`,
        'x-cachecore-deps': encodeDeps([{ dep_id: 'doc:1', expected_hash: 'v1' }]),
        'X-Cachecore-Bypass': 'true',
      },
    });
    const forwarded = upstream.requests[0]!;
    expect(forwarded.headers.authorization).toBeUndefined();
    expect(Object.keys(forwarded.headers).filter((name) => name.startsWith('x-cachecore'))).toEqual(
      [],
    );
    expect(JSON.stringify(forwarded.headers)).not.toContain(token);
  });

  it('does not cache upstream errors and relays their status', async () => {
    upstream.failNext(500);
    const failed = await chat(gateway, ask('flaky'), { token });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-cache')).toBe('MISS');
    expect(failed.json.error.message).toMatch(/Mock upstream failure/);
    const retried = await chat(gateway, ask('flaky'), { token });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-cache')).toBe('MISS');
    expect((await chat(gateway, ask('flaky'), { token })).headers.get('x-cache')).toBe('HIT_L1');
  });

  it('makes one upstream call for 10 concurrent identical misses', async () => {
    const flights = await createTenantToken({ secret: SECRET, tenantId: 'flights' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => chat(gateway, ask('single flight'), { token: flights })),
    );
    expect(upstream.requestCount).toBe(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      // Followers answer MISS with the leader's completion; late arrivals may already hit.
      expect(['MISS', 'HIT_L1']).toContain(answer.headers.get('x-cache'));
      expect(answer.json.choices[0].message.content).toBe('Echo: single flight');
    }
    // Only the leader called upstream: the followers are counted as collapsed, not as misses.
    const misses = answers.filter((answer) => answer.headers.get('x-cache') === 'MISS').length;
    // Cache-Status tells them apart on the wire: one `fwd=miss`, the followers `collapsed`.
    const cacheStatuses = answers
      .filter((answer) => answer.headers.get('x-cache') === 'MISS')
      .map((answer) => answer.headers.get('cache-status'));
    expect(cacheStatuses.filter((value) => value === 'Cachecore; fwd=miss')).toHaveLength(1);
    expect(
      cacheStatuses.filter((value) => value === 'Cachecore; fwd=miss; collapsed'),
    ).toHaveLength(misses - 1);
    const stats = (await gateway.stats()).tenants.flights;
    expect(stats).toMatchObject({ misses: 1, collapsed: misses - 1, hits_l1: 10 - misses });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(
      `cachecore_gateway_upstream_calls_avoided_total{reason="collapsed"} ${misses - 1}`,
    );
    const streamed = await Promise.all(
      Array.from({ length: 5 }, () =>
        chat(gateway, ask('single flight stream', { stream: true }), { token }),
      ),
    );
    expect(upstream.requestCount).toBe(2);
    for (const answer of streamed)
      expect(streamedContent(parseSse(answer.text).chunks)).toBe('Echo: single flight stream');
  });

  it('never caches a stream that reported an error, even one that ended with [DONE]', async () => {
    const erring = await startVersionedUpstream();
    await using streaming = await startGateway({
      upstream: erring.url,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
    });
    try {
      for (const style of ['data', 'event'] as const) {
        erring.behave(() => ({ kind: 'stream-error', style }));
        const question = ask(`erring ${style}`, { stream: true });
        const first = await chat(streaming, question, { token });
        // Relayed as it came, error event included.
        expect(first.headers.get('x-cache')).toBe('MISS');
        expect(first.text).toContain('out of memory');
        const callsBefore = erring.calls;
        erring.behave(() => ({ kind: 'answer', latencyMs: 1 }));
        const again = await chat(streaming, question, { token });
        expect(again.headers.get('x-cache')).toBe('MISS');
        expect(erring.calls).toBe(callsBefore + 1);
        expect(streamedContent(parseSse(again.text).chunks)).toBe(`v1: erring ${style}`);
      }
    } finally {
      await erring.close();
    }
  });

  it('serves stale entries while refreshing them once in the background', async () => {
    const first = await chat(gateway, ask('swr'), { token });
    clock += 3_000_000 + 1_000;
    const stale = await chat(gateway, ask('swr'), { token });
    expect(stale.headers.get('x-cache')).toBe('HIT_L1_STALE');
    expect(stale.json.id).toBe(first.json.id);
    const alsoStale = await chat(gateway, ask('swr'), { token });
    expect(['HIT_L1_STALE', 'HIT_L1']).toContain(alsoStale.headers.get('x-cache'));
    await expect.poll(() => upstream.requestCount).toBe(2);
    await expect
      .poll(async () => (await chat(gateway, ask('swr'), { token })).headers.get('x-cache'))
      .toBe('HIT_L1');
    const refreshed = await chat(gateway, ask('swr'), { token });
    expect(refreshed.json.id).not.toBe(first.json.id);
    expect(refreshed.headers.get('x-cache-age')).toBe('0');
    expect(upstream.requestCount).toBe(2);

    clock += 3_600_000 + 1_000;
    expect((await chat(gateway, ask('swr'), { token })).headers.get('x-cache')).toBe('MISS');
  });

  it('honours per-tenant TTL claims', async () => {
    const shortLived = await createTenantToken({
      secret: SECRET,
      tenantId: 'short',
      freshTtlSecs: 10,
      staleWindowSecs: 0,
    });
    await chat(gateway, ask('short ttl'), { token: shortLived });
    clock += 5_000;
    expect(
      (await chat(gateway, ask('short ttl'), { token: shortLived })).headers.get('x-cache'),
    ).toBe('HIT_L1');
    clock += 6_000;
    expect(
      (await chat(gateway, ask('short ttl'), { token: shortLived })).headers.get('x-cache'),
    ).toBe('MISS');
  });

  it('invalidates entries by dep, per tenant', async () => {
    const deps = encodeDeps([{ dep_id: 'doc:contract-123', expected_hash: 'v1' }]);
    const otherTenant = await createTenantToken({ secret: SECRET, tenantId: 'initech' });
    const body = ask('Summarise contract #123');
    await chat(gateway, body, { token, headers: { 'x-cachecore-deps': deps } });
    await chat(gateway, body, { token: otherTenant, headers: { 'x-cachecore-deps': deps } });
    expect(
      (await chat(gateway, body, { token, headers: { 'x-cachecore-deps': deps } })).headers.get(
        'x-cache',
      ),
    ).toBe('HIT_L1');

    const invalidate = await fetch(`${gateway.url}/v1/invalidate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: JSON.stringify({ dep_id: 'doc:contract-123', new_hash: 'v2' }),
    });
    expect(invalidate.status).toBe(200);
    expect(await invalidate.json()).toEqual({
      ok: true,
      dep_id: 'doc:contract-123',
      new_hash: 'v2',
      keys_deleted: 1,
    });

    expect(
      (await chat(gateway, body, { token, headers: { 'x-cachecore-deps': deps } })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    // A client still expecting v1 is never cached, so it never reaches clients expecting v2.
    expect(
      (await chat(gateway, body, { token, headers: { 'x-cachecore-deps': deps } })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    const v2 = encodeDeps([{ dep_id: 'doc:contract-123', expected_hash: 'v2' }]);
    expect(
      (await chat(gateway, body, { token, headers: { 'x-cachecore-deps': v2 } })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    expect(
      (await chat(gateway, body, { token, headers: { 'x-cachecore-deps': v2 } })).headers.get(
        'x-cache',
      ),
    ).toBe('HIT_L1');

    // The other tenant's entry survived.
    expect(
      (
        await chat(gateway, body, { token: otherTenant, headers: { 'x-cachecore-deps': deps } })
      ).headers.get('x-cache'),
    ).toBe('HIT_L1');

    const generated = await fetch(`${gateway.url}/v1/invalidate`, {
      method: 'POST',
      headers: { 'x-cachecore-token': otherTenant },
      body: JSON.stringify({ dep_id: 'doc:contract-123' }),
    });
    const generatedBody = await generated.json();
    expect(generatedBody.keys_deleted).toBe(1);
    expect(generatedBody.new_hash).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('validates invalidation requests', async () => {
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${gateway.url}/v1/invalidate`, { method: 'POST', headers, body });
    expect((await post('{"dep_id":"x"}', {})).status).toBe(401);
    expect((await post('{"dep_id":"x"}', { 'x-cachecore-token': 'eyJ.bad.token' })).status).toBe(
      401,
    );
    const missing = await post('{}', { 'x-cachecore-token': token });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toMatch(/dep_id/);
    expect((await post('{"dep_id":""}', { 'x-cachecore-token': token })).status).toBe(400);
    expect((await post('not json', { 'x-cachecore-token': token })).status).toBe(400);
  });

  it('decodes the deps header leniently and rejects malformed ones with 400', async () => {
    const json = JSON.stringify([{ dep_id: 'doc:lenient', expected_hash: 'v1' }]);
    const padded = `${Buffer.from(json).toString('base64')}\n`;
    expect(
      (
        await chat(gateway, ask('lenient deps'), {
          token,
          headers: { 'x-cachecore-deps': padded.trim() },
        })
      ).status,
    ).toBe(200);
    // The same deps, spaced differently and sent as unpadded base64url: the same entry.
    const spaced = Buffer.from(JSON.stringify(JSON.parse(json), null, 2)).toString('base64url');
    const again = await chat(gateway, ask('lenient deps'), {
      token,
      headers: { 'x-cachecore-deps': spaced },
    });
    expect(again.headers.get('x-cache')).toBe('HIT_L1');
    expect(
      (
        await chat(gateway, ask('protocol test vector'), {
          token,
          headers: {
            'x-cachecore-deps':
              'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ',
          },
        })
      ).status,
    ).toBe(200);
    for (const [header, problem] of [
      ['%%%not-base64%%%', /base64/],
      [Buffer.from('not json').toString('base64url'), /JSON/],
      [Buffer.from('{"dep_id":"x"}').toString('base64url'), /array/],
      [encodeDeps([{ dep_id: '', expected_hash: 'v1' }]), /dep_id/],
      [Buffer.from('[{"dep_id":"x"}]').toString('base64url'), /expected_hash/],
      [
        encodeDeps(
          Array.from({ length: 65 }, (_, index) => ({ dep_id: `d${index}`, expected_hash: 'v1' })),
        ),
        /65 deps, the limit is 64/,
      ],
      [encodeDeps([{ dep_id: 'x'.repeat(257), expected_hash: 'v1' }]), /over 256 bytes/],
      [
        encodeDeps(
          Array.from({ length: 40 }, (_, index) => ({
            dep_id: `${'y'.repeat(200)}${index}`,
            expected_hash: 'v1',
          })),
        ),
        /the limit is 8192/,
      ],
      [
        encodeDeps(
          Array.from({ length: 60 }, (_, index) => ({
            dep_id: `${'z'.repeat(250)}${index}`,
            expected_hash: 'v1',
          })),
        ),
        /the limit is 8192/,
      ],
    ] as const) {
      const answer = await chat(gateway, ask('bad deps'), {
        token,
        headers: { 'x-cachecore-deps': header },
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toMatch(problem);
      expect(answer.json.error.message).toMatch(/X-Cachecore-Deps/);
    }
    expect(upstream.requestCount).toBe(2);
  });

  it('answers bad bodies with OpenAI-shaped 400 and 413 errors', async () => {
    const notJson = await chat(gateway, '{not json', { token });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatchObject({ type: 'invalid_request_error' });
    const noModel = await chat(gateway, { messages: [{ role: 'user', content: 'x' }] }, { token });
    expect(noModel.status).toBe(400);
    expect(noModel.json.error.message).toMatch(/model/);
    const numericModel = await chat(
      gateway,
      { model: 4, messages: [{ role: 'user', content: 'x' }] },
      { token },
    );
    expect(numericModel.status).toBe(400);
    const huge = await chat(gateway, ask('x'.repeat(1024 * 1024 + 10)), { token });
    expect(huge.status).toBe(413);
    expect(huge.json.error.message).toMatch(/1024 KiB/);
    expect(upstream.requestCount).toBe(0);
  });

  it('survives a client that disconnects mid-stream and caches nothing from it', async () => {
    const longPrompt = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ');
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
      body: JSON.stringify(ask(longPrompt, { stream: true })),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    const after = await chat(gateway, ask(longPrompt), { token });
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.json.choices[0].message.content).toBe(`Echo: ${longPrompt}`);
  });

  it('forwards other /v1 routes uncached', async () => {
    const models = await fetch(`${gateway.url}/v1/models`);
    expect(models.status).toBe(200);
    expect((await models.json()).data.length).toBeGreaterThan(0);
    const embeddings = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: ['a', 'b'] }),
    });
    expect((await embeddings.json()).data).toHaveLength(2);
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/v1/models',
      '/v1/embeddings',
    ]);
  });

  it('guards the admin API and reports and flushes per tenant', async () => {
    const flushToken = await createTenantToken({ secret: SECRET, tenantId: 'flushme' });
    await chat(gateway, ask('admin one'), { token: flushToken });
    await chat(gateway, ask('admin one'), { token: flushToken });
    expect((await fetch(`${gateway.url}/admin/stats`)).status).toBe(403);
    expect(
      (await fetch(`${gateway.url}/admin/stats`, { headers: { authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(403);
    const admin = { authorization: 'Bearer admin-secret' };
    const stats = await (await fetch(`${gateway.url}/admin/stats`, { headers: admin })).json();
    expect(stats.tenants.flushme).toMatchObject({ hits_l1: 1, misses: 1, entries: 1 });
    expect(stats.tenants.flushme.tokens_saved).toBeGreaterThan(0);
    expect(stats.bypass).toBeGreaterThanOrEqual(0);
    const flushed = await fetch(`${gateway.url}/admin/tenants/flushme/flush`, {
      method: 'POST',
      headers: admin,
    });
    expect(await flushed.json()).toEqual({ ok: true, tenant: 'flushme', keys_deleted: 1 });
    const tenantStats = await (
      await fetch(`${gateway.url}/admin/tenants/flushme/stats`, { headers: admin })
    ).json();
    expect(tenantStats.entries).toBe(0);
    expect(
      (await chat(gateway, ask('admin one'), { token: flushToken })).headers.get('x-cache'),
    ).toBe('MISS');
  });
});

describe('gateway limits and failures', () => {
  it('rate-limits tenants and bypass traffic with 429 and Retry-After', async () => {
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 1,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
      bypassRpm: 2,
    });
    const limited = await createTenantToken({
      secret: SECRET,
      tenantId: 'limited',
      rateLimitRpm: 2,
    });
    expect((await chat(gateway, ask('a'), { token: limited })).status).toBe(200);
    expect((await chat(gateway, ask('a'), { token: limited })).status).toBe(200);
    const third = await chat(gateway, ask('a'), { token: limited });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(third.json.error.type).toBe('rate_limit_error');

    await chat(gateway, ask('b'));
    await chat(gateway, ask('b'));
    const bypassLimited = await chat(gateway, ask('b'));
    expect(bypassLimited.status).toBe(429);
    expect(bypassLimited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Tenants without a limit are not affected by the bypass budget.
    const unlimited = await createTenantToken({ secret: SECRET, tenantId: 'free' });
    expect((await chat(gateway, ask('b'), { token: unlimited })).status).toBe(200);

    // Invalidations are admitted like any request: they count against the tenant's limit too.
    const invalidating = await createTenantToken({
      secret: SECRET,
      tenantId: 'invalidating',
      rateLimitRpm: 2,
    });
    const invalidate = () =>
      fetch(`${gateway.url}/v1/invalidate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': invalidating },
        body: JSON.stringify({ dep_id: 'doc:1' }),
      });
    expect((await chat(gateway, ask('c'), { token: invalidating })).status).toBe(200);
    expect((await invalidate()).status).toBe(200);
    const invalidationLimited = await invalidate();
    expect(invalidationLimited.status).toBe(429);
    expect(Number(invalidationLimited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await invalidationLimited.json()) as Json).error.type).toBe('rate_limit_error');
  });

  it('answers 502 when the upstream is down and 504 when it is too slow', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const token = await createTenantToken({ secret: SECRET, tenantId: 'acme' });
    {
      await using gateway = await startGateway({
        upstream: `http://127.0.0.1:${port}/v1`,
        jwtSecret: SECRET,
        logLevel: 'silent',
        l2: false,
      });
      const down = await chat(gateway, ask('down'), { token });
      expect(down.status).toBe(502);
      expect(down.json.error.message).toMatch(/unreachable/);
      expect(down.headers.get('x-cache')).toBe('MISS');
      const downStream = await chat(gateway, ask('down', { stream: true }), { token });
      expect(downStream.status).toBe(502);
    }
    {
      await using gateway = await startGateway({
        upstream: 'mock',
        mockLatencyMs: 300,
        upstreamTimeoutMs: 50,
        jwtSecret: SECRET,
        logLevel: 'silent',
        l2: false,
      });
      const slow = await chat(gateway, ask('slow'), { token });
      expect(slow.status).toBe(504);
      expect(slow.json.error.message).toMatch(/50 ms/);
    }
  });

  it('verifies RS256 tokens with a public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 1,
      jwtPublicKey: publicPem,
      logLevel: 'silent',
      l2: false,
    });
    const token = await createTenantToken({ privateKey: privatePem, tenantId: 'rsa-tenant' });
    const answer = await chat(gateway, ask('rsa'), { token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-cache')).toBe('MISS');
    const hs256 = await createTenantToken({ secret: SECRET, tenantId: 'rsa-tenant' });
    expect((await chat(gateway, ask('rsa'), { token: hs256 })).status).toBe(401);
  });

  it('answers from upstream, uncached, while the store is failing', async () => {
    const memory = createMemoryStore();
    let broken = false;
    const flaky = new Proxy(memory, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || property === 'subscribe' || property === 'close')
          return value;
        return (...args: unknown[]) => {
          if (broken) return Promise.reject(new Error('store connection lost'));
          return value.apply(target, args);
        };
      },
    }) as Store;
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 1,
      jwtSecret: SECRET,
      logLevel: 'silent',
      store: flaky,
    });
    const token = await createTenantToken({
      secret: SECRET,
      tenantId: 'resilient',
      rateLimitRpm: 100,
    });
    expect((await chat(gateway, ask('resilience'), { token })).headers.get('x-cache')).toBe('MISS');
    broken = true;
    const during = await chat(gateway, ask('resilience'), { token });
    expect(during.status).toBe(200);
    expect(during.headers.get('x-cache')).toBe('MISS');
    expect(during.json.choices[0].message.content).toBe('Echo: resilience');
    const streamed = await chat(gateway, ask('resilience', { stream: true }), { token });
    expect(streamed.status).toBe(200);
    expect(parseSse(streamed.text).done).toBe(true);
    broken = false;
    expect((await chat(gateway, ask('resilience'), { token })).headers.get('x-cache')).toBe(
      'HIT_L1',
    );
    await memory.close();
  });

  it('sends the configured upstream key instead of any client Authorization', async () => {
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 1,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
      upstreamApiKey: 'sk-gateway-key',
    });
    const token = await createTenantToken({ secret: SECRET, tenantId: 'keyed' });
    await chat(gateway, ask('keyed'), { headers: { authorization: `Bearer ${token}` } });
    await chat(gateway, ask('keyed bypass'), {
      headers: { authorization: 'Bearer sk-client-key' },
    });
    const seen = gateway.mockUpstream!.requests.map((request) => request.headers.authorization);
    expect(seen).toEqual(['Bearer sk-gateway-key', 'Bearer sk-gateway-key']);
  });

  it('counts and logs a request whose client left before its answer as 499, not 200', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = {
      error() {},
      warn() {},
      info: (message: string, fields?: Record<string, unknown>) => {
        if (message === 'request') lines.push(fields ?? {});
      },
      debug() {},
    };
    const slow = await createMockUpstream({ latencyMs: 300 });
    const token = await createTenantToken({ secret: SECRET, tenantId: 'leaver' });
    try {
      await using leftBehind = await startGateway({
        upstream: slow.url,
        jwtSecret: SECRET,
        logger,
        l2: false,
      });
      const controller = new AbortController();
      const request = fetch(`${leftBehind.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
        body: JSON.stringify(ask('a question the client gives up on')),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      expect(await request).toBeInstanceOf(Error);
      for (let waited = 0; lines.length === 0 && waited < 2_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(lines[0]).toMatchObject({ route: '/v1/chat/completions', status: 499 });
      const metrics = await (await fetch(`${leftBehind.url}/metrics`)).text();
      expect(metrics).toMatch(/requests_total\{[^}]*code="499"[^}]*\} 1/);
      expect(metrics).not.toMatch(/requests_total\{[^}]*code="200"[^}]*\}/);
      const after = await chat(leftBehind, ask('a question the client gives up on'), { token });
      expect(after.status).toBe(200);
      expect(lines.at(-1)).toMatchObject({ status: 200 });
    } finally {
      await slow.close();
    }
  });

  it('warns at start-up when a real upstream has no API key of the gateway', async () => {
    const warnings: string[] = [];
    const logger = {
      error() {},
      warn: (message: string) => warnings.push(message),
      info() {},
      debug() {},
    };
    const mock = await createMockUpstream({ latencyMs: 1 });
    try {
      await using withoutKey = await startGateway({
        upstream: mock.url,
        jwtSecret: SECRET,
        logger,
        l2: false,
      });
      expect(warnings).toEqual([expect.stringMatching(/no upstream API key/)]);
      await using withKey = await startGateway({
        upstream: mock.url,
        upstreamApiKey: 'sk-gateway-key',
        jwtSecret: SECRET,
        logger,
        l2: false,
      });
      expect(warnings).toHaveLength(1);
      expect(withoutKey.url).not.toBe(withKey.url);
    } finally {
      await mock.close();
    }
  });

  it('takes an upstream given as a bare origin as its /v1 API', async () => {
    const mock = await createMockUpstream({ latencyMs: 1 });
    try {
      const origin = new URL(mock.url).origin;
      await using gateway = await startGateway({
        upstream: origin,
        upstreamApiKey: 'sk-gateway-key',
        jwtSecret: SECRET,
        logLevel: 'silent',
        l2: false,
      });
      expect(gateway.settings.upstream).toBe(`${origin}/v1`);
      const token = await createTenantToken({ secret: SECRET, tenantId: 'bare-origin' });
      const answer = await chat(gateway, ask('bare origin'), { token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-cache')).toBe('MISS');
      expect(mock.requestCount).toBe(1);
    } finally {
      await mock.close();
    }
  });

  it('refuses to start without a tenant token key', async () => {
    await expect(startGateway({ upstream: 'mock', logLevel: 'silent', l2: false })).rejects.toThrow(
      /jwt-secret/,
    );
  });
});
