// A 307 from the gateway to another origin must not deliver the tenant token there (PROTOCOL §3.1).
// Two real servers: the "gateway" origin answers redirects, the other origin records what arrives.
import type { IncomingHttpHeaders } from 'node:http';
import {
  answerJsonMiss,
  type RecordingServer,
  startRecordingServer,
} from '@cachecore/recording-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachecoreClient } from '../client';
import { cachecoreHeaders } from '../headers/cachecore-headers';

const token = 'cc_test_k1.eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2lnbmF0dXJl';

let gateway: RecordingServer;
let elsewhere: RecordingServer;
let cc: CachecoreClient;

/** Makes the gateway answer `status` with a Location built from the request path. */
function redirectFromGateway(status: number, location: (path: string) => string): void {
  gateway.handle((recorded, response) => {
    if (recorded.path.startsWith('/final'))
      return answerJsonMiss(recorded, response, undefined as never);
    response.writeHead(status, { location: location(recorded.path) });
    response.end();
  });
}

const cachecoreHeaderNames = (headers: IncomingHttpHeaders) =>
  Object.keys(headers).filter(
    (name) => name.startsWith('x-cachecore-') || name === 'authorization',
  );

beforeAll(async () => {
  gateway = await startRecordingServer();
  elsewhere = await startRecordingServer();
  cc = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: token });
});

afterAll(async () => {
  await gateway.close();
  await elsewhere.close();
});

beforeEach(() => {
  gateway.requests.length = 0;
  elsewhere.requests.length = 0;
  gateway.handle(answerJsonMiss);
  elsewhere.handle(answerJsonMiss);
});

describe('redirects of gateway requests', () => {
  it('drops the token, deps and the tenant bearer on a 307 to another origin, keeping the body', async () => {
    redirectFromGateway(307, () => `${elsewhere.origin}/landed`);
    const response = await cc.fetch(`${cc.baseURL}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-custom': 'kept',
        ...cachecoreHeaders({ deps: ['table:orders'] }),
      },
      body: '{"model":"m"}',
    });
    expect(response.status).toBe(200);
    expect(gateway.requests[0]!.headers['x-cachecore-token']).toBe(token);
    expect(elsewhere.requests).toHaveLength(1);
    const landed = elsewhere.requests[0]!;
    expect(landed).toMatchObject({ method: 'POST', path: '/landed', body: '{"model":"m"}' });
    expect(cachecoreHeaderNames(landed.headers)).toEqual([]);
    expect(landed.headers['x-custom']).toBe('kept');
    expect(landed.headers['content-type']).toBe('application/json');
  });

  it('drops the bypass token header on a cross-origin hop', async () => {
    redirectFromGateway(308, () => `${elsewhere.origin}/landed`);
    await cc.requestContext({ bypass: true }, () =>
      cc.fetch(`${cc.baseURL}/chat/completions`, { method: 'POST', body: '{}' }),
    );
    expect(gateway.requests[0]!.headers['x-cachecore-bypass-token']).toBe(token);
    expect(cachecoreHeaderNames(elsewhere.requests[0]!.headers)).toEqual([]);
  });

  it('keeps every header on same-origin hops, over several of them', async () => {
    gateway.handle((recorded, response) => {
      const hop = Number(/hop=(\d+)/.exec(recorded.path)?.[1] ?? 0);
      if (hop >= 3) return answerJsonMiss(recorded, response, undefined as never);
      response.writeHead(hop % 2 === 0 ? 307 : 308, {
        location: `/v1/chat/completions?hop=${hop + 1}`,
      });
      response.end();
    });
    const response = await cc.fetch(`${cc.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: 'same body',
    });
    expect(response.status).toBe(200);
    expect(gateway.requests.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions?hop=1',
      '/v1/chat/completions?hop=2',
      '/v1/chat/completions?hop=3',
    ]);
    for (const request of gateway.requests) {
      expect(request.headers['x-cachecore-token']).toBe(token);
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.body).toBe('same body');
    }
  });

  it('never re-adds the token when a chain comes back to the gateway from elsewhere', async () => {
    redirectFromGateway(307, () => `${elsewhere.origin}/bounce`);
    elsewhere.handle((_recorded, response) => {
      response.writeHead(307, { location: `${gateway.origin}/final` });
      response.end();
    });
    await cc.fetch(`${cc.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(gateway.requests.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/final',
    ]);
    expect(gateway.requests[1]!.headers['x-cachecore-token']).toBeUndefined();
  });

  it('turns a 303 into a GET without body or body headers', async () => {
    redirectFromGateway(303, () => `${elsewhere.origin}/see-other`);
    await cc.fetch(`${cc.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(elsewhere.requests[0]).toMatchObject({ method: 'GET', path: '/see-other', body: '' });
    expect(elsewhere.requests[0]!.headers['content-type']).toBeUndefined();
  });

  it.each([
    ['a Uint8Array', () => new TextEncoder().encode('bytes body')],
    ['an ArrayBuffer', () => new TextEncoder().encode('bytes body').buffer],
    ['a Blob', () => new Blob(['bytes body'])],
    ['URLSearchParams', () => new URLSearchParams({ bytes: 'body' })],
  ])('re-sends %s on a 307', async (_label, makeBody) => {
    redirectFromGateway(307, () => `${elsewhere.origin}/again`);
    const response = await cc.fetch(`${cc.baseURL}/files`, { method: 'PUT', body: makeBody() });
    expect(response.status).toBe(200);
    expect(elsewhere.requests[0]!.method).toBe('PUT');
    expect(elsewhere.requests[0]!.body).toMatch(/bytes(=| )body/);
  });

  it('returns the redirect as is when a streamed body cannot be sent again', async () => {
    redirectFromGateway(307, () => `${elsewhere.origin}/again`);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await cc.fetch(`${cc.baseURL}/files`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`${elsewhere.origin}/again`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("leaves redirect: 'manual' and 'error' to fetch, which follows nothing", async () => {
    redirectFromGateway(307, () => `${elsewhere.origin}/never`);
    const manual = await cc.fetch(`${cc.baseURL}/models`, { redirect: 'manual' });
    expect(manual.status).toBe(307);
    await expect(cc.fetch(`${cc.baseURL}/models`, { redirect: 'error' })).rejects.toThrow();
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('stops a redirect loop after 20 hops', async () => {
    gateway.handle((_recorded, response) => {
      response.writeHead(302, { location: '/v1/loop' });
      response.end();
    });
    await expect(cc.fetch(`${cc.baseURL}/loop`)).rejects.toThrow(/more than 20 redirects/);
    expect(gateway.requests).toHaveLength(21);
  });

  it('reports no cache status for an answer that came from another origin', async () => {
    const seen: string[] = [];
    const watched = new CachecoreClient({
      gatewayUrl: gateway.origin,
      tenantJwt: token,
      onCacheStatus: (status) => seen.push(status.status),
    });
    redirectFromGateway(307, () => `${elsewhere.origin}/landed`);
    await watched.fetch(`${watched.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    redirectFromGateway(307, () => '/final');
    await watched.fetch(`${watched.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(seen).toEqual(['MISS']);
  });
});

describe('redirects of invalidate', () => {
  it('re-sends the invalidation on a 307 without the token or its bearer to another origin', async () => {
    redirectFromGateway(307, () => `${elsewhere.origin}/v1/invalidate`);
    elsewhere.handle((_recorded, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"no token","type":"auth","code":"missing_token"}}');
    });
    await expect(cc.invalidate('table:orders')).rejects.toMatchObject({ status: 401 });
    expect(gateway.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
    const landed = elsewhere.requests[0]!;
    expect(JSON.parse(landed.body)).toEqual({ dep_id: 'table:orders' });
    expect(cachecoreHeaderNames(landed.headers)).toEqual([]);
  });

  it('follows a same-origin redirect with the token', async () => {
    gateway.handle((recorded, response) => {
      if (recorded.path === '/v1/invalidate') {
        response.writeHead(308, { location: '/v2/invalidate' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ ok: true, dep_id: 'table:orders', new_hash: 'h2', keys_deleted: 2 }),
      );
    });
    await expect(cc.invalidate('table:orders')).resolves.toMatchObject({
      ok: true,
      keysDeleted: 2,
    });
    expect(gateway.requests[1]!.headers['x-cachecore-token']).toBe(token);
  });
});
