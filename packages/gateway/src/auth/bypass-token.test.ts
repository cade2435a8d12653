import { BYPASS_TOKEN_HEADER_LOWER as BYPASS_TOKEN_HEADER } from '@cachecore/core/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postJson, sendRaw } from '../../test/support/raw-http';
import { type Gateway, startGateway } from '../gateway';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';
import { selectCredential } from './bypass-token';
import { createTenantToken } from './create-tenant-token';
import { extractTenantToken } from './extract-tenant-token';

const SECRET = 'bypass-token-secret';
const GATEWAY_KEY = 'sk-gateway-key';
/** A fixed clock, so rate-limit windows never roll over during a test. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 10);

const mint = (options: Partial<Parameters<typeof createTenantToken>[0]> = {}) =>
  createTenantToken({ secret: SECRET, tenantId: 'acme', ...options });

const chatBody = (content: string) =>
  JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

describe('tenant-authorised bypass through the gateway', () => {
  let upstream: MockUpstream;
  let gateway: Gateway;
  let token: string;

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 0 });
    gateway = await startGateway({
      upstream: upstream.url,
      upstreamApiKey: GATEWAY_KEY,
      jwtSecret: SECRET,
      anonymous: 'reject',
      bypassRpm: 1,
      logLevel: 'silent',
      l2: false,
      now: () => NOW,
    });
    token = await mint();
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  const chat = (content: string, headers: Record<string, string>) =>
    postJson(gateway.url, '/v1/chat/completions', chatBody(content), headers);

  it('forwards uncached with the gateway key, even with anonymous access rejected', async () => {
    const first = await chat('bypass me', { [BYPASS_TOKEN_HEADER]: token });
    const second = await chat('bypass me', { [BYPASS_TOKEN_HEADER]: token });
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('BYPASS');
      expect(answer.json.choices[0].message.content).toBe('Echo: bypass me');
    }
    expect(upstream.requests).toHaveLength(2);
    // Nothing was cached: the same prompt with the tenant token is a miss.
    const cached = await chat('bypass me', { 'x-cachecore-token': token });
    expect(cached.headers['x-cache']).toBe('MISS');
  });

  it('never sends the bypass token upstream', async () => {
    await chat('where does the token go', {
      [BYPASS_TOKEN_HEADER]: token,
      authorization: 'Bearer sk-placeholder',
    });
    await chat('same token as API key', {
      [BYPASS_TOKEN_HEADER]: token,
      authorization: `Bearer ${token}`,
    });
    await sendRaw(gateway.url, { path: '/v1/models', headers: { [BYPASS_TOKEN_HEADER]: token } });
    expect(upstream.requests).toHaveLength(3);
    for (const forwarded of upstream.requests) {
      expect(forwarded.headers.authorization).toBe(`Bearer ${GATEWAY_KEY}`);
      expect(
        Object.keys(forwarded.headers).filter((name) => name.startsWith('x-cachecore')),
      ).toEqual([]);
      expect(JSON.stringify(forwarded.headers)).not.toContain(token.split('.')[2]);
    }
  });

  it('answers a bad bypass token with a 401, never as anonymous traffic', async () => {
    const wrongKey = await createTenantToken({ secret: 'another-secret', tenantId: 'acme' });
    const expired = await mint({ claims: { exp: Math.floor(NOW / 1000) - 60 } });
    for (const [bad, message] of [
      [wrongKey, 'signature is invalid'],
      [expired, 'expired'],
      ['not-a-jwt', 'not a readable JWT'],
      ['', 'not a readable JWT'],
    ] as const) {
      const answer = await chat('bad bypass', { [BYPASS_TOKEN_HEADER]: bad });
      expect(answer.status).toBe(401);
      expect(answer.json.error.type).toBe('authentication_error');
      expect(answer.json.error.message).toContain(message);
    }
    expect(upstream.requests).toEqual([]);
  });

  it('rate-limits per tenant, not per client IP', async () => {
    const limited = await mint({ tenantId: 'limited', rateLimitRpm: 2 });
    const other = await mint({ tenantId: 'other' });
    // The per-IP bypass budget is 1 a minute: tenant bypasses do not spend it.
    for (let index = 0; index < 2; index += 1) {
      expect((await chat(`limited ${index}`, { [BYPASS_TOKEN_HEADER]: limited })).status).toBe(200);
    }
    const over = await chat('limited 2', { [BYPASS_TOKEN_HEADER]: limited });
    expect(over.status).toBe(429);
    expect(over.json.error.message).toContain('tenant limited');
    // The budget is the tenant's, shared with its cached requests.
    expect((await chat('limited 3', { 'x-cachecore-token': limited })).status).toBe(429);
    for (let index = 0; index < 3; index += 1) {
      expect((await chat(`other ${index}`, { [BYPASS_TOKEN_HEADER]: other })).status).toBe(200);
    }
    expect(upstream.requests).toHaveLength(5);
  });

  it('refuses a request carrying two different tokens', async () => {
    const other = await mint({ tenantId: 'other' });
    const answer = await chat('two tokens', {
      [BYPASS_TOKEN_HEADER]: token,
      'x-cachecore-token': other,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('conflicting_tokens');
    expect(upstream.requests).toEqual([]);
  });
});

describe('selectCredential', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJhY21lIn0.c2ln';

  it('prefers the tenant token, then the bypass token, then none', () => {
    expect(selectCredential({}, extractTenantToken({ 'x-cachecore-token': jwt }))).toEqual({
      token: jwt,
      bypass: false,
    });
    const bypass = { [BYPASS_TOKEN_HEADER]: ` ${jwt} ` };
    expect(selectCredential(bypass, extractTenantToken(bypass))).toEqual({
      token: jwt,
      bypass: true,
    });
    expect(selectCredential({}, extractTenantToken({}))).toEqual({
      token: undefined,
      bypass: false,
    });
  });
});
