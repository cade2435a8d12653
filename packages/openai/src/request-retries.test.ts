import type { IncomingHttpHeaders } from 'node:http';
import { type RecordingHandler, startRecordingServer } from '@cachecore/recording-server';
import { createFreshTenantToken, useTestGateway } from '@cachecore/test-support/gateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachecoreRequestOptions } from './cachecore-request-options';
import { type CachecoreOpenAI, createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

interface PlannedAnswer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * Answers for a recording server standing in for the gateway, to see the headers of every attempt:
 * the real gateway strips `X-Cachecore-*` before going upstream, so the mock upstream cannot show
 * them. The planned failures come first, then a normal completion marked MISS.
 */
function answerPlanned(plan: PlannedAnswer[]): RecordingHandler {
  return (_recorded, response) => {
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
    const server = await startRecordingServer(answerPlanned([failure]));
    const openai = createCachecoreOpenAI({ gatewayUrl: server.origin, tenantJwt: RECORDED_TOKEN });
    try {
      const completion = await openai.cachecore.requestContext({ deps: ['doc:scoped'] }, () =>
        openai.chat.completions.create(
          body,
          cachecoreRequestOptions({ deps: ['doc:per-request'] }),
        ),
      );

      expect(getCacheStatus(completion)?.status).toBe('MISS');
      expect(server.requests).toHaveLength(2);
      const [firstAttempt, retry] = server.requests.map((request) =>
        cachecoreHeadersOf(request.headers),
      );
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
    const server = await startRecordingServer(
      answerPlanned([
        { status: 503, headers: quickRetry },
        { status: 503, headers: quickRetry },
      ]),
    );
    const openai = createCachecoreOpenAI({ gatewayUrl: server.origin, tenantJwt: RECORDED_TOKEN });
    try {
      await openai.cachecore.requestContext({ deps: ['doc:scoped'] }, () =>
        openai.chat.completions.create(body),
      );
      await openai.chat.completions.create(body, cachecoreRequestOptions({ bypass: true }));

      expect(server.requests).toHaveLength(4);
      const attempts = server.requests.map((request) => cachecoreHeadersOf(request.headers));
      expect(attempts[0]).toHaveProperty('x-cachecore-deps');
      expect(attempts[1]).toEqual(attempts[0]);
      expect(attempts[2]).toEqual(attempts[0]);
      // Bypass names the tenant only in its own header (PROTOCOL §1.4), never as the token.
      expect(attempts[3]).toEqual({ 'x-cachecore-bypass-token': RECORDED_TOKEN });
      expect(server.requests[3]?.headers.authorization).not.toContain(RECORDED_TOKEN);
    } finally {
      await openai.cachecore.close();
      await server.close();
    }
  });
});

describe('SDK retries through the real gateway', () => {
  const gateway = useTestGateway();
  let openai: CachecoreOpenAI;

  beforeAll(async () => {
    openai = createCachecoreOpenAI({
      gatewayUrl: gateway.url,
      tenantJwt: await createFreshTenantToken(),
    });
    gateway.closeAfterAll(openai.cachecore);
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
