import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';

const SECRET = 'cache-directives-secret';

describe('Cache-Control request directives (PROTOCOL §1.5)', () => {
  let gateway: Gateway;
  let token: string;
  let clock = Date.now();
  beforeAll(async () => {
    gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
      now: () => clock,
    });
  });
  afterAll(() => gateway.close());
  beforeEach(async () => {
    token = await createTenantToken({ secret: SECRET, tenantId: `directives-${randomUUID()}` });
  });

  const upstreamCalls = () => gateway.mockUpstream?.requestCount ?? 0;
  async function ask(content: string, cacheControl?: string) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cachecore-token': token,
        ...(cacheControl ? { 'cache-control': cacheControl } : {}),
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
    });
    await response.json();
    return response.headers.get('x-cache');
  }

  it('no-cache skips the read and refreshes the entry', async () => {
    await ask('Refresh me');
    const before = upstreamCalls();
    expect(await ask('Refresh me', 'no-cache')).toBe('MISS');
    expect(upstreamCalls()).toBe(before + 1);
    clock += 5_000;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Refresh me' }],
      }),
    });
    expect(response.headers.get('x-cache')).toBe('HIT_L1');
    // The refreshed entry is the one written 5 s ago, not the first one.
    expect(response.headers.get('x-cache-age')).toBe('5');
  });

  it('no-store answers without writing anything', async () => {
    expect(await ask('Keep nothing', 'no-store')).toBe('MISS');
    expect(await ask('Keep nothing')).toBe('MISS');
    expect(await ask('Keep nothing')).toBe('HIT_L1');
    // A cached answer may still be served to a no-store request.
    expect(await ask('Keep nothing', 'no-store')).toBe('HIT_L1');
  });

  it('max-age serves only entries young enough, at L1 and L2', async () => {
    await ask('How old may this be?');
    clock += 30_000;
    expect(await ask('How old may this be?', 'max-age=60')).toBe('HIT_L1');
    expect(await ask('how old may this be', 'max-age=60')).toBe('HIT_L2');
    expect(await ask('how old may this be', 'max-age=10')).toBe('MISS');
    expect(await ask('How old may this be?', 'max-age=10')).toBe('MISS');
  });

  it('cachecore-ttl shortens the freshness of the entry it writes, never lengthens it', async () => {
    await ask('Short lived', 'cachecore-ttl=2');
    clock += 3_000;
    expect(await ask('Short lived')).toBe('HIT_L1_STALE');
    await ask('Long lived', 'cachecore-ttl=999999');
    clock += 3_000;
    expect(await ask('Long lived')).toBe('HIT_L1');
  });

  it('ignores malformed directives rather than failing the request', async () => {
    expect(await ask('Odd header', 'max-age=soon, no-such-directive, cachecore-ttl=-4')).toBe(
      'MISS',
    );
    expect(await ask('Odd header')).toBe('HIT_L1');
  });
});
