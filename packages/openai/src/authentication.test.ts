import { createFreshTenantToken, useTestGateway } from '@cachecore/test-support/gateway';
import { AuthenticationError } from 'openai';
import { describe, expect, it } from 'vitest';
import { createCachecoreOpenAI } from './create-cachecore-openai';

const gateway = useTestGateway();

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('a gateway 401', () => {
  it.each([
    {
      label: 'a token signed with the wrong secret',
      token: () => createFreshTenantToken({ secret: 'not-the-gateway-secret-0123456789' }),
    },
    { label: 'an expired token', token: () => createFreshTenantToken({ expiresIn: -60 }) },
    { label: 'a token that is not a JWT', token: async () => 'not-a-jwt' },
  ])(
    'surfaces as AuthenticationError for $label, at once and with default retries',
    async ({ token }) => {
      const openai = createCachecoreOpenAI({ gatewayUrl: gateway.url, tenantJwt: await token() });
      const upstreamCallsBefore = gateway.mockUpstream.requestCount;
      const startedAt = performance.now();
      try {
        const error = await openai.chat.completions.create(body).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(AuthenticationError);
        expect((error as AuthenticationError).status).toBe(401);
        expect((error as AuthenticationError).message).toMatch(/^401 .*token/i);
        // 401 is final for the SDK: no retry, no backoff, and nothing reached the upstream.
        expect(performance.now() - startedAt).toBeLessThan(1_000);
        expect(gateway.mockUpstream.requestCount).toBe(upstreamCallsBefore);
      } finally {
        await openai.cachecore.close();
      }
    },
  );
});
