import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStageContext,
  STAGE_TEST_SECRET,
  startStageServer,
} from '../../test/support/pipeline-test-context';
import { createTenantToken } from '../auth/create-tenant-token';
import type { ObservedRequest } from '../observation/observed-request';
import { sendError, sendJson } from '../wire/send-json';
import { admitRequest } from './admit';

describe('admission stage', () => {
  let server: Awaited<ReturnType<typeof startStageServer>>;

  beforeAll(async () => {
    const context = await createStageContext({ upstream: 'http://127.0.0.1:9/v1', bypassRpm: 2 });
    server = await startStageServer(async (request, response) => {
      const observation: ObservedRequest = {};
      try {
        const { identity, source } = await admitRequest(context, request, observation);
        sendJson(response, 200, {
          tenant: identity?.tenantId ?? null,
          observed: observation.tenant ?? null,
          passthrough: source.passthroughAuthorization ?? null,
        });
      } catch (error) {
        sendError(response, error);
      }
    });
  });
  afterAll(() => server.close());

  const admit = (headers: Record<string, string>) =>
    fetch(server.url, { headers }).then(async (response) => ({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    }));

  it('names the tenant of a verified token and observes it', async () => {
    const token = await createTenantToken({ secret: STAGE_TEST_SECRET, tenantId: 'acme' });
    const admitted = await admit({ 'x-cachecore-token': token });
    expect(admitted).toMatchObject({ status: 200, body: { tenant: 'acme', observed: 'acme' } });
  });

  it('refuses a token that fails verification with 401, never as bypass', async () => {
    const forged = await createTenantToken({ secret: 'another-secret', tenantId: 'acme' });
    const refused = await admit({ 'x-cachecore-token': forged });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ type: 'authentication_error' });
  });

  it('rate-limits a tenant by its claim, with Retry-After', async () => {
    const token = await createTenantToken({
      secret: STAGE_TEST_SECRET,
      tenantId: 'limited',
      rateLimitRpm: 1,
    });
    expect((await admit({ 'x-cachecore-token': token })).status).toBe(200);
    const limited = await admit({ 'x-cachecore-token': token });
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  });

  it('lets bypass traffic through by client IP within the bypass budget', async () => {
    const first = await admit({ authorization: 'Bearer sk-upstream-key' });
    expect(first.body).toMatchObject({ tenant: null, passthrough: 'Bearer sk-upstream-key' });
    await admit({});
    expect((await admit({})).status).toBe(429);
  });
});
