import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendRaw } from '../../test/support/raw-http';
import { type Gateway, startGateway } from '../gateway';
import { createJsonLogger } from '../log/logger';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';
import { isLoopbackHost, resolveAnonymousAccess } from './anonymous-policy';
import { createTenantToken } from './create-tenant-token';

const SECRET = 'anonymous-secret';
const CHAT_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'anonymous?' }],
});

/** The gateway's address as a client on this machine dials it (a wildcard host is not dialable). */
const dialable = (gateway: Gateway) => `http://127.0.0.1:${gateway.port}`;

const chat = (gateway: Gateway, headers: Record<string, string> = {}) =>
  sendRaw(dialable(gateway), {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', ...headers },
    body: CHAT_BODY,
  });

describe('anonymous access through the gateway', () => {
  let upstream: MockUpstream;
  const gateways: Gateway[] = [];
  const start = async (options: Parameters<typeof startGateway>[0]) => {
    const gateway = await startGateway({
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
      upstream: upstream.url,
      ...options,
    });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    upstream = await createMockUpstream({ latencyMs: 0 });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('rejects tokenless requests by default on a reachable gateway relaying its own key', async () => {
    const gateway = await start({ host: '0.0.0.0', upstreamApiKey: 'sk-gateway-key' });
    expect(gateway.settings.anonymous).toBe('reject');

    for (const answer of [
      await chat(gateway),
      await chat(gateway, { authorization: 'Bearer sk-placeholder' }),
      await sendRaw(dialable(gateway), { path: '/v1/models' }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.json.error.type).toBe('authentication_error');
      expect(answer.json.error.code).toBe('anonymous_rejected');
      expect(answer.json.error.message).toContain('--anonymous allow');
    }
    expect(upstream.requests).toEqual([]);

    const token = await createTenantToken({ secret: SECRET, tenantId: 'acme' });
    const tenant = await chat(gateway, { 'x-cachecore-token': token });
    expect(tenant.status).toBe(200);
    expect(tenant.headers['x-cache']).toBe('MISS');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer sk-gateway-key');
  });

  it('forwards tokenless requests when allowed, on loopback by default or explicitly', async () => {
    const warnings: string[] = [];
    const logger = {
      ...createJsonLogger({ level: 'silent' }),
      warn: (message: string) => warnings.push(message),
    };
    const local = await start({ upstreamApiKey: 'sk-gateway-key', logger });
    expect(warnings).toEqual([]);
    const open = await start({
      host: '0.0.0.0',
      upstreamApiKey: 'sk-gateway-key',
      anonymous: 'allow',
      logger,
    });
    // Allowed explicitly where the default rejects: said once at start-up.
    expect(warnings).toEqual([
      'anonymous access is allowed on a reachable gateway: tokenless requests spend its upstream key',
    ]);
    expect(local.settings.anonymous).toBe('allow');
    for (const gateway of [local, open]) {
      const answer = await chat(gateway);
      expect(answer.status).toBe(200);
      expect(answer.headers['x-cache']).toBe('BYPASS');
    }
    expect(upstream.requests).toHaveLength(2);
  });

  it('rejects tokenless requests when set to reject, even on loopback with the mock', async () => {
    const gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 0,
      jwtSecret: SECRET,
      logLevel: 'silent',
      l2: false,
      anonymous: 'reject',
    });
    gateways.push(gateway);
    const answer = await chat(gateway);
    expect(answer.status).toBe(401);
    expect(gateway.mockUpstream?.requests).toEqual([]);
  });

  it('refuses an unknown value at start-up', async () => {
    await expect(
      startGateway({ upstream: 'mock', anonymous: 'maybe' as never, logLevel: 'silent' }),
    ).rejects.toThrow(/Invalid anonymous: expected 'allow' or 'reject'/);
  });
});

describe('resolveAnonymousAccess', () => {
  const reachable = {
    anonymous: undefined,
    host: '0.0.0.0',
    upstream: 'https://api.openai.com/v1',
    upstreamApiKey: 'sk-key',
  };

  it('rejects only when a reachable gateway would relay its own key to a real upstream', () => {
    expect(resolveAnonymousAccess(reachable)).toBe('reject');
    expect(resolveAnonymousAccess({ ...reachable, host: '10.0.0.5' })).toBe('reject');
    expect(resolveAnonymousAccess({ ...reachable, host: '::' })).toBe('reject');
    expect(resolveAnonymousAccess({ ...reachable, host: '127.0.0.1' })).toBe('allow');
    expect(resolveAnonymousAccess({ ...reachable, upstream: 'mock' })).toBe('allow');
    expect(resolveAnonymousAccess({ ...reachable, upstreamApiKey: undefined })).toBe('allow');
    expect(resolveAnonymousAccess({ ...reachable, upstreamApiKey: '' })).toBe('allow');
  });

  it('follows an explicit setting either way', () => {
    expect(resolveAnonymousAccess({ ...reachable, anonymous: 'allow' })).toBe('allow');
    expect(resolveAnonymousAccess({ ...reachable, host: 'localhost', anonymous: 'reject' })).toBe(
      'reject',
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'localhost.',
    '127.0.0.1',
    '127.255.10.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
  ])('counts %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '128.0.0.1',
    '127.0.0.256',
    '::ffff:10.0.0.1',
    'gateway.internal',
    'localhost.example.com',
    '',
  ])('counts %s as reachable from elsewhere', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
