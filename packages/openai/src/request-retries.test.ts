import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFreshTenantToken,
  startTestGateway,
  type TestGateway,
} from '../test/gateway-fixture';
import { cachecoreRequestOptions } from './cachecore-request-options';
import { type CachecoreOpenAI, createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

interface PlannedAnswer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A node:http server standing in for the gateway, to see the headers of every attempt: the real
 * gateway strips `X-Cachecore-*` before going upstream, so the mock upstream cannot show them.
 * It answers the planned failures first, then a normal completion marked MISS.
 */
async function startRecordingServer(plan: PlannedAnswer[]) {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    request.on('end', () => {
      const planned = plan.shift();
      if (planned) {
        response.writeHead(planned.status, {
          'content-type': 'application/json',
          ...planned.headers,
        });
        response.end(JSON.stringify({ error: { message: 'try again', type: 'server_error' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'MISS' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-recorded',
          object: 'chat.completion',
          created: 0,
          model: 'gpt-4o-mini',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } },
          ],
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function cachecoreHeadersOf(headers: IncomingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.startsWith('x-cachecore-')),
  );
}

// The recording server checks nothing: any token-shaped value shows where the token goes.
const RECORDED_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJyZWNvcmRlZCJ9.signature';

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Retry me' }] };

describe('SDK retries through the Cachecore transport', () => {
  it.each([
    { label: '429 with Retry-After', failure: { status: 429, headers: { 'retry-after': '0' } } },
    { label: '500', failure: { status: 500 } },
  ])('send the same Cachecore headers on every attempt after a $label', async ({ failure }) => {
    const server = await startRecordingServer([failure]);
    const openai = createCachecoreOpenAI({ gatewayUrl: server.url, tenantJwt: RECORDED_TOKEN });
    try {
      const completion = await openai.cachecore.requestContext({ deps: ['doc:scoped'] }, () =>
        openai.chat.completions.create(
          body,
          cachecoreRequestOptions({ deps: ['doc:per-request'] }),
        ),
      );

      expect(getCacheStatus(completion)?.status).toBe('MISS');
      expect(server.requests).toHaveLength(2);
      const [firstAttempt, retry] = server.requests.map(cachecoreHeadersOf);
      expect(firstAttempt).toHaveProperty('x-cachecore-token');
      expect(firstAttempt).toHaveProperty('x-cachecore-deps');
      expect(firstAttempt).not.toHaveProperty('x-cachecore-bypass');
      expect(retry).toEqual(firstAttempt);
    } finally {
      await openai.cachecore.close();
      await server.close();
    }
  });

  it('keep scoped deps and the token on a retry, and leave them off in bypass', async () => {
    const quickRetry = { 'retry-after-ms': '5' };
    const server = await startRecordingServer([
      { status: 503, headers: quickRetry },
      { status: 503, headers: quickRetry },
    ]);
    const openai = createCachecoreOpenAI({ gatewayUrl: server.url, tenantJwt: RECORDED_TOKEN });
    try {
      await openai.cachecore.requestContext({ deps: ['doc:scoped'] }, () =>
        openai.chat.completions.create(body),
      );
      await openai.chat.completions.create(body, cachecoreRequestOptions({ bypass: true }));

      expect(server.requests).toHaveLength(4);
      const attempts = server.requests.map(cachecoreHeadersOf);
      expect(attempts[0]).toHaveProperty('x-cachecore-deps');
      expect(attempts[1]).toEqual(attempts[0]);
      expect(attempts[2]).toEqual(attempts[0]);
      // Bypass names the tenant only in its own header (PROTOCOL §1.4), never as the token.
      expect(attempts[3]).toEqual({ 'x-cachecore-bypass-token': RECORDED_TOKEN });
      expect(server.requests[3]?.authorization).not.toContain(RECORDED_TOKEN);
    } finally {
      await openai.cachecore.close();
      await server.close();
    }
  });
});

describe('SDK retries through the real gateway', () => {
  let gateway: TestGateway;
  let openai: CachecoreOpenAI;

  beforeAll(async () => {
    gateway = await startTestGateway();
    openai = createCachecoreOpenAI({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
  });

  afterAll(async () => {
    await openai?.cachecore.close();
    await gateway?.close();
  });

  it.each([
    { label: '429 with Retry-After', status: 429, dep: 'doc:after-429' },
    { label: '500', status: 500, dep: 'doc:after-500' },
  ])(
    'cache the retried answer under the request deps after an upstream $label',
    async ({ status, dep }) => {
      const ask = (content: string) =>
        openai.chat.completions.create(
          { ...body, messages: [{ role: 'user', content }] },
          cachecoreRequestOptions({ deps: [dep] }),
        );
      const prompt = `Retry after ${status}`;
      gateway.mockUpstream.failNext(status, 1, { retryAfter: 0 });
      const before = gateway.mockUpstream.requestCount;

      const completion = await ask(prompt);

      expect(gateway.mockUpstream.requestCount - before).toBe(2);
      expect(completion.choices[0]?.message.content).toBe(`Echo: ${prompt}`);
      expect(getCacheStatus(completion)?.status).toBe('MISS');
      expect(getCacheStatus(await ask(prompt))?.status).toBe('HIT_L1');
      // Only an entry written with the dep is removed by invalidating it: the retry carried it.
      await openai.cachecore.invalidate(dep);
      expect(getCacheStatus(await ask(prompt))?.status).toBe('MISS');
    },
  );
});
