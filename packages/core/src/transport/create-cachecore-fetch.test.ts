import { setTimeout as delay } from 'node:timers/promises';
import {
  answerJsonMiss,
  createDeferred,
  type RecordingServer,
  startRecordingServer,
} from '@cachecore/recording-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachecoreClient } from '../client';
import { runWithCacheContext } from '../context/cache-context';
import { CachecoreError } from '../errors/cachecore-error';
import { cachecoreHeaders } from '../headers/cachecore-headers';
import { Dep } from '../headers/dep';
import type { CacheStatus } from '../status/cache-status';

const token = 'cc_live_k1.eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2lnbmF0dXJl';
const bareJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2lnbmF0dXJl';
const protocolTestVector = 'W3siZGVwX2lkIjoiZG9jOmNvbnRyYWN0LTEyMyIsImV4cGVjdGVkX2hhc2giOiJ2MSJ9XQ';

let gateway: RecordingServer;
let otherOrigin: RecordingServer;
let cc: CachecoreClient;

beforeAll(async () => {
  gateway = await startRecordingServer();
  otherOrigin = await startRecordingServer();
  cc = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: token });
});

afterAll(async () => {
  await cc.close();
  await gateway.close();
  await otherOrigin.close();
});

beforeEach(() => {
  gateway.requests.length = 0;
  otherOrigin.requests.length = 0;
  gateway.handle(answerJsonMiss);
  otherOrigin.handle(answerJsonMiss);
});

const lastGatewayRequest = () => gateway.requests.at(-1)!;
const chat = (init: RequestInit = {}) =>
  cc.fetch(`${cc.baseURL}/chat/completions`, { method: 'POST', body: '{}', ...init });

describe('cc.fetch towards the gateway', () => {
  it('adds the bare token everywhere and the scope deps only inside a scope', async () => {
    await chat();
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
    expect(lastGatewayRequest().headers['x-cachecore-deps']).toBeUndefined();

    await cc.requestContext({ deps: [new Dep('doc:contract-123')] }, () => chat());
    expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(protocolTestVector);
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
  });

  it('passes every header shape, the method and the body through', async () => {
    const shapes: HeadersInit[] = [
      new Headers({ 'X-Custom': 'one', Authorization: 'Bearer sk-placeholder' }),
      { 'x-custom': 'one', authorization: 'Bearer sk-placeholder' },
      [
        ['X-Custom', 'one'],
        ['Authorization', 'Bearer sk-placeholder'],
      ],
    ];
    for (const headers of shapes) {
      await cc.fetch(`${gateway.origin}/v1/embeddings?x=1`, {
        method: 'PUT',
        headers,
        body: 'payload',
      });
      const recorded = lastGatewayRequest();
      expect(recorded).toMatchObject({
        method: 'PUT',
        path: '/v1/embeddings?x=1',
        body: 'payload',
      });
      expect(recorded.headers).toMatchObject({
        'x-custom': 'one',
        authorization: 'Bearer sk-placeholder',
        'x-cachecore-token': token,
      });
    }
  });

  it('accepts Request objects, keeping their headers, body and method', async () => {
    const request = new Request(`${cc.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-from-request': 'yes' },
      body: '{"model":"m"}',
    });
    await cc.requestContext({ deps: ['table:products'] }, () => cc.fetch(request));
    expect(lastGatewayRequest()).toMatchObject({ method: 'POST', body: '{"model":"m"}' });
    expect(lastGatewayRequest().headers).toMatchObject({
      'x-from-request': 'yes',
      'x-cachecore-token': token,
      'x-cachecore-deps': cachecoreHeaders({ deps: ['table:products'] })['X-Cachecore-Deps'],
    });
  });

  it('streams a request body sent with duplex: half', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"part":1,'));
        await delay(5);
        controller.enqueue(encoder.encode('"part2":2}'));
        controller.close();
      },
    });
    const response = await chat({ body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    expect(lastGatewayRequest().body).toBe('{"part":1,"part2":2}');
  });

  it('streams the body of a Request object and honours init headers given next to it', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed '));
        controller.enqueue(new TextEncoder().encode('inside a Request'));
        controller.close();
      },
    });
    const request = new Request(`${cc.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'x-from-request': 'replaced' },
      body,
      duplex: 'half',
    } as RequestInit);
    // As with plain fetch, init.headers replace the Request's own headers.
    await cc.fetch(request, { headers: { 'x-from-init': 'yes' } });
    expect(lastGatewayRequest().body).toBe('streamed inside a Request');
    expect(lastGatewayRequest().headers['x-from-request']).toBeUndefined();
    expect(lastGatewayRequest().headers['x-from-init']).toBe('yes');
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
  });

  it('hands an SSE response to the caller chunk by chunk, before the server has finished', async () => {
    const firstChunkReceived = createDeferred();
    let serverFinished = false;
    gateway.handle(async (_recorded, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'x-cache': 'MISS' });
      response.write('data: {"chunk":1}\n\n');
      // The second chunk is only sent once the caller has seen the first: a transport that
      // buffered the body would wait forever here.
      await firstChunkReceived.promise;
      response.write('data: {"chunk":2}\n\n');
      response.end('data: [DONE]\n\n');
      serverFinished = true;
    });
    const statuses: string[] = [];
    const streaming = new CachecoreClient({
      gatewayUrl: gateway.origin,
      tenantJwt: token,
      onCacheStatus: (status) => statuses.push(status.status),
    });
    const response = await streaming.fetch(`${streaming.baseURL}/chat/completions`, {
      method: 'POST',
      body: '{"stream":true}',
    });
    expect(statuses).toEqual(['MISS']);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await Promise.race([
      reader.read(),
      delay(3_000).then(() => {
        throw new Error('first chunk did not arrive before the stream ended');
      }),
    ]);
    expect(first.value).toBe('data: {"chunk":1}\n\n');
    expect(serverFinished).toBe(false);
    firstChunkReceived.resolve();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += chunk.value;
    expect(rest).toBe('data: {"chunk":2}\n\ndata: [DONE]\n\n');
    expect(serverFinished).toBe(true);
  });

  it('passes abort signals through', async () => {
    const arrived = createDeferred();
    gateway.handle(() => {
      arrived.resolve();
      // Never answers: only the abort can end the request.
    });
    const controller = new AbortController();
    const pending = chat({ signal: controller.signal });
    await arrived.promise;
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');

    const request = new Request(`${cc.baseURL}/models`, { signal: AbortSignal.abort() });
    await expect(cc.fetch(request)).rejects.toThrow();
  });

  it('returns non-2xx responses instead of throwing, with the body unread', async () => {
    gateway.handle((_recorded, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'x-cache': 'BYPASS' });
      response.end('{"error":{"message":"upstream down"}}');
    });
    const response = await chat();
    expect(response.status).toBe(503);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ error: { message: 'upstream down' } });
  });
});

describe('origin scoping', () => {
  it('never sends the token or deps to another origin, even on another port of the same host', async () => {
    await cc.requestContext({ deps: ['table:secret'] }, () =>
      cc.fetch(`${otherOrigin.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...cachecoreHeaders({ bypass: false }), 'x-custom': 'kept' },
        body: 'x',
      }),
    );
    const recorded = otherOrigin.requests.at(-1)!;
    expect(recorded.headers['x-cachecore-token']).toBeUndefined();
    expect(recorded.headers['x-cachecore-deps']).toBeUndefined();
    // The client-side directive is removed everywhere; everything else is left alone.
    expect(recorded.headers['x-cachecore-bypass']).toBeUndefined();
    expect(recorded.headers['x-custom']).toBe('kept');
    expect(recorded.body).toBe('x');
    expect(gateway.requests).toHaveLength(0);
  });

  it('passes other-origin Request objects through untouched', async () => {
    const request = new Request(`${otherOrigin.origin}/anything`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await cc.requestContext({ deps: ['d'], bypass: true }, () => cc.fetch(request));
    const recorded = otherOrigin.requests.at(-1)!;
    // Bypass only concerns the gateway; another origin gets exactly what the caller set.
    expect(recorded.headers.authorization).toBe(`Bearer ${token}`);
    expect(recorded.headers['x-cachecore-token']).toBeUndefined();
  });

  it('compares origins, not spellings: upper-case scheme and host still reach the gateway', async () => {
    await cc.fetch(`${gateway.origin.toUpperCase()}/v1/models`);
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
  });

  it('treats a gateway URL given with a trailing slash as the same origin', async () => {
    const withSlash = new CachecoreClient({ gatewayUrl: `${gateway.origin}/`, tenantJwt: token });
    expect(withSlash.baseURL).toBe(`${gateway.origin}/v1`);
    await withSlash.fetch(new URL(`${withSlash.baseURL}/models`));
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
  });
});

describe('bypass', () => {
  it('removes the token header and an Authorization carrying the tenant token, prefixed or not', async () => {
    for (const authorization of [`Bearer ${token}`, `Bearer ${bareJwt}`, `bearer   ${bareJwt} `]) {
      await cc.requestContext({ bypass: true, deps: ['table:a'] }, () =>
        chat({ headers: { authorization, 'x-cachecore-token': token } }),
      );
      const { headers } = lastGatewayRequest();
      expect(headers['x-cachecore-token']).toBeUndefined();
      expect(headers.authorization).toBeUndefined();
      expect(headers['x-cachecore-deps']).toBeUndefined();
      expect(headers['x-cachecore-bypass']).toBeUndefined();
    }
  });

  it('sends the tenant token in the bypass token header instead, and only on bypass', async () => {
    await cc.requestContext({ bypass: true }, () => chat());
    expect(lastGatewayRequest().headers['x-cachecore-bypass-token']).toBe(token);
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBeUndefined();
    await chat();
    expect(lastGatewayRequest().headers['x-cachecore-bypass-token']).toBeUndefined();
    await cc.fetch(`${otherOrigin.origin}/v1/models`, {
      headers: cachecoreHeaders({ bypass: true }),
    });
    expect(otherOrigin.requests.at(-1)!.headers['x-cachecore-bypass-token']).toBeUndefined();
  });

  it('removes a prefixed Authorization when the client holds the bare JWT', async () => {
    const bare = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: bareJwt });
    await bare.fetch(`${bare.baseURL}/models`, {
      headers: { ...bare.headers({ bypass: true }), authorization: `Bearer ${token}` },
    });
    expect(lastGatewayRequest().headers.authorization).toBeUndefined();
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBeUndefined();
  });

  it('keeps an Authorization that is not the tenant token (an SDK placeholder key)', async () => {
    await cc.requestContext({ bypass: true }, () =>
      chat({ headers: { authorization: 'Bearer sk-placeholder' } }),
    );
    expect(lastGatewayRequest().headers.authorization).toBe('Bearer sk-placeholder');
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBeUndefined();
  });

  it('lets explicit request headers win over the scope in both directions', async () => {
    await chat({ headers: cachecoreHeaders({ bypass: true }) });
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBeUndefined();

    await cc.requestContext({ bypass: true, deps: ['table:scope'] }, () =>
      chat({ headers: cachecoreHeaders({ bypass: false }) }),
    );
    expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
    expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(
      cachecoreHeaders({ deps: ['table:scope'] })['X-Cachecore-Deps'],
    );
    expect(lastGatewayRequest().headers['x-cachecore-bypass']).toBeUndefined();
  });
});

describe('scopes on the wire', () => {
  it('gives each of 200 concurrent scopes only its own deps', async () => {
    gateway.handle(async (_recorded, response) => {
      await delay(5);
      answerJsonMiss(_recorded, response, undefined as never);
    });
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        cc.requestContext(
          { deps: [`table:${index}`, new Dep(`row:${index}`, { hash: `h${index}` })] },
          async () => {
            await delay(index % 4);
            const response = await cc.fetch(`${cc.baseURL}/chat/completions?i=${index}`, {
              method: 'POST',
              body: String(index),
            });
            await response.arrayBuffer();
          },
        ),
      ),
    );
    expect(gateway.requests).toHaveLength(200);
    for (const recorded of gateway.requests) {
      const index = recorded.body;
      expect(recorded.path).toBe(`/v1/chat/completions?i=${index}`);
      const decoded = JSON.parse(
        Buffer.from(String(recorded.headers['x-cachecore-deps']), 'base64url').toString(),
      );
      expect(decoded).toEqual([
        { dep_id: `table:${index}`, expected_hash: 'v1' },
        { dep_id: `row:${index}`, expected_hash: `h${index}` },
      ]);
    }
  });

  it('uses the inner scope inside a nested scope and the outer one again after it', async () => {
    const depsOf = (deps: string[]) => cachecoreHeaders({ deps })['X-Cachecore-Deps'];
    await cc.requestContext({ deps: ['outer'] }, async () => {
      await chat();
      expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(depsOf(['outer']));
      await cc.requestContext({ deps: ['inner'] }, () => chat());
      expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(depsOf(['inner']));
      await cc.requestContext({ bypass: true }, () => chat());
      expect(lastGatewayRequest().headers['x-cachecore-token']).toBeUndefined();
      await chat();
      expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(depsOf(['outer']));
      expect(lastGatewayRequest().headers['x-cachecore-token']).toBe(token);
    });
    await chat();
    expect(lastGatewayRequest().headers['x-cachecore-deps']).toBeUndefined();
  });

  it('lets an explicit deps header replace the scope deps', async () => {
    await runWithCacheContext({ deps: ['table:scope'] }, () =>
      chat({ headers: cachecoreHeaders({ deps: ['table:explicit'] }) }),
    );
    expect(lastGatewayRequest().headers['x-cachecore-deps']).toBe(
      cachecoreHeaders({ deps: ['table:explicit'] })['X-Cachecore-Deps'],
    );
  });

  it('lets an explicit empty deps list clear the scope deps for one request', async () => {
    await runWithCacheContext({ deps: ['table:scope'] }, () =>
      chat({ headers: cachecoreHeaders({ deps: [] }) }),
    );
    const sent = lastGatewayRequest().headers['x-cachecore-deps'] as string;
    expect(JSON.parse(Buffer.from(sent, 'base64url').toString('utf8'))).toEqual([]);
  });
});

describe('cache directives on the wire', () => {
  const cacheControl = () => lastGatewayRequest().headers['cache-control'];

  it("sends a scope's directives as Cache-Control, the inner scope replacing the outer", async () => {
    await cc.requestContext({ cacheControl: { noCache: true, ttlSeconds: 600 } }, async () => {
      await chat();
      expect(cacheControl()).toBe('no-cache, cachecore-ttl=600');
      await cc.requestContext({ cacheControl: { maxAgeSeconds: 30 } }, () => chat());
      expect(cacheControl()).toBe('max-age=30');
      await cc.requestContext({ deps: ['table:x'] }, () => chat());
      expect(cacheControl()).toBe('no-cache, cachecore-ttl=600');
    });
    await chat();
    expect(cacheControl()).toBeUndefined();
  });

  it("lets one request replace or clear the scope's directives", async () => {
    await cc.requestContext({ cacheControl: { noStore: true } }, async () => {
      await chat({ headers: cc.headers({ cacheControl: { maxAgeSeconds: 0 } }) });
      expect(cacheControl()).toBe('max-age=0');
      await chat({ headers: cachecoreHeaders({ cacheControl: {} }) });
      expect(cacheControl()).toBeUndefined();
    });
  });

  it('sends no scope directives on a bypass request, which never touches the cache', async () => {
    await cc.requestContext({ bypass: true, cacheControl: { noStore: true } }, () => chat());
    expect(cacheControl()).toBeUndefined();
  });

  it('names what is wrong with bad directives', () => {
    expect(() => cc.headers({ cacheControl: { ttlSeconds: 0 } })).toThrow(
      /^Invalid cacheControl option: "ttlSeconds" must be a whole number of seconds ≥ 1, got 0\.$/,
    );
  });
});

describe('bad input fails before the network', () => {
  it('sends nothing for invalid deps, bypass directive or cache directives', async () => {
    const deps64Long = Array.from({ length: 64 }, (_, index) => `${index}:${'y'.repeat(130)}`);
    const attempts: Array<() => unknown> = [
      () => cc.requestContext({ deps: [''] }, () => chat()),
      () => cc.requestContext({ deps: ['x'.repeat(257)] }, () => chat()),
      () =>
        cc.requestContext({ deps: Array.from({ length: 65 }, (_, index) => `d${index}`) }, () =>
          chat(),
        ),
      () => cc.requestContext({ deps: deps64Long }, () => chat()),
      () => chat({ headers: cachecoreHeaders({ deps: [new Dep('ok'), ''] }) }),
      () => chat({ headers: { 'X-Cachecore-Bypass': 'maybe' } }),
      () => cc.requestContext({ cacheControl: { ttlSeconds: 0 } }, () => chat()),
      () => cc.requestContext({ cacheControl: { noStor: true } as never }, () => chat()),
      () => chat({ headers: cc.headers({ cacheControl: { maxAgeSeconds: -5 } }) }),
      () => chat({ headers: cachecoreHeaders({ cacheControl: 'no-store' as never }) }),
    ];
    for (const attempt of attempts) {
      const error = await Promise.resolve()
        .then(attempt)
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(CachecoreError.isInstance(error)).toBe(true);
      expect((error as CachecoreError).code).toMatch(/^invalid_(deps|bypass|options)$/);
    }
    expect(gateway.requests).toHaveLength(0);
  });
});

describe('cache status reporting', () => {
  it('calls onCacheStatus after every gateway response, and a throwing listener breaks nothing', async () => {
    gateway.handle((_recorded, response) => {
      response.writeHead(200, {
        'x-cache': 'HIT_L2',
        'x-cache-similarity': '0.93',
        'x-cache-age': '41',
      });
      response.end('{}');
    });
    const seen: Array<[CacheStatus, { method: string; url: string }]> = [];
    const logged: string[] = [];
    const client = new CachecoreClient({
      gatewayUrl: gateway.origin,
      tenantJwt: token,
      debug: true,
      logger: (line) => logged.push(line),
      onCacheStatus: (status, request) => {
        seen.push([status, request]);
        throw new Error('listener bug');
      },
    });
    const response = await client.fetch(`${client.baseURL}/chat/completions`, {
      method: 'post',
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0].toJSON()).toMatchObject({
      status: 'HIT_L2',
      similarity: 0.93,
      ageSeconds: 41,
      isHit: true,
    });
    expect(seen[0]![1]).toEqual({ method: 'POST', url: `${gateway.origin}/v1/chat/completions` });
    expect(logged).toContain(
      '[cachecore] POST /v1/chat/completions HIT_L2 similarity=0.9300 age=41s',
    );
    expect(logged.some((line) => line.includes('listener bug'))).toBe(true);

    await client.fetch(`${otherOrigin.origin}/v1/models`);
    expect(seen).toHaveLength(1);
  });

  it('logs nothing without debug', async () => {
    const logged: string[] = [];
    const quiet = new CachecoreClient({
      gatewayUrl: gateway.origin,
      tenantJwt: token,
      logger: (line) => logged.push(line),
    });
    await quiet.fetch(`${quiet.baseURL}/models`);
    expect(logged).toEqual([]);
  });
});
