import {
  type RecordedRequest,
  type RecordingHandler,
  type RecordingServer,
  startRecordingServer,
} from '@cachecore/recording-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachecoreClient } from '../client';
import { CachecoreAuthError } from '../errors/cachecore-auth-error';
import { CachecoreError } from '../errors/cachecore-error';
import { CachecoreRateLimitError } from '../errors/cachecore-rate-limit-error';
import { Dep } from '../headers/dep';

const token = 'cc_live_k1.eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2ln';

let gateway: RecordingServer;
let cc: CachecoreClient;

/** Answers like the gateway: echoes the dep and hash, 3 keys deleted. */
const answerOk: RecordingHandler = (recorded, response) => {
  const body = JSON.parse(recorded.body) as { dep_id: string; new_hash?: string };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      ok: true,
      dep_id: body.dep_id,
      new_hash: body.new_hash ?? 'uuid-1',
      keys_deleted: 3,
    }),
  );
};

function answerError(status: number, message: string, headers: Record<string, string> = {}) {
  return (response: Parameters<RecordingHandler>[1]) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ error: { message, type: 'error', code: String(status) } }));
  };
}

/** Answers each request with the next handler in the list; the last one repeats. */
function answerInTurn(...handlers: RecordingHandler[]): RecordingHandler {
  let turn = 0;
  return (recorded, response, request) =>
    handlers[Math.min(turn++, handlers.length - 1)]!(recorded, response, request);
}

async function captureError(promise: Promise<unknown>): Promise<CachecoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!CachecoreError.isInstance(error))
    throw new Error(`expected a CachecoreError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  gateway = await startRecordingServer();
  cc = new CachecoreClient({ gatewayUrl: gateway.origin, tenantJwt: token, timeout: 2_000 });
});
afterAll(async () => {
  await cc.close();
  await gateway.close();
});
beforeEach(() => {
  gateway.requests.length = 0;
  gateway.handle(answerOk);
});

describe('invalidate', () => {
  it('posts dep_id and new_hash with the token in both headers and returns the result', async () => {
    const result = await cc.invalidate('table:products', { newHash: 'v2' });
    expect(result).toEqual({ depId: 'table:products', ok: true, newHash: 'v2', keysDeleted: 3 });
    const recorded = gateway.requests[0]!;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/invalidate' });
    expect(JSON.parse(recorded.body)).toEqual({ dep_id: 'table:products', new_hash: 'v2' });
    expect(recorded.headers['x-cachecore-token']).toBe(token);
    expect(recorded.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('omits new_hash when not given and reports the hash the gateway chose', async () => {
    const result = await cc.invalidate(new Dep('table:orders'));
    expect(JSON.parse(gateway.requests[0]!.body)).toEqual({ dep_id: 'table:orders' });
    expect(result.newHash).toBe('uuid-1');
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
  ])('throws CachecoreAuthError on %i without retrying', async (status, code) => {
    gateway.handle((_recorded, response) => answerError(status, 'token expired')(response));
    const error = await captureError(cc.invalidate('table:products'));
    expect(CachecoreAuthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code, status });
    expect(error.message).toBe(
      `POST ${gateway.origin}/v1/invalidate failed with ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: token expired`,
    );
    expect(gateway.requests).toHaveLength(1);
  });

  it('throws a CachecoreError with the gateway message on 400', async () => {
    gateway.handle((_recorded, response) =>
      answerError(400, 'dep_id must be a non-empty string')(response),
    );
    const error = await captureError(cc.invalidate('table:x'));
    expect(error).toMatchObject({ code: 'bad_request', status: 400 });
    expect(error.message).toMatch(/dep_id must be a non-empty string$/);
    expect(gateway.requests).toHaveLength(1);
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    gateway.handle(
      answerInTurn(
        (_recorded, response) => answerError(429, 'slow down', { 'retry-after': '0.05' })(response),
        answerOk,
      ),
    );
    const startedAt = performance.now();
    const result = await cc.invalidate('table:products', { newHash: 'v3' });
    expect(result.newHash).toBe('v3');
    expect(gateway.requests).toHaveLength(2);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(45);
  });

  it('throws a 429 with Retry-After above 10 s at once, with retryAfter set', async () => {
    gateway.handle((_recorded, response) =>
      answerError(429, 'rate limited', { 'retry-after': '60' })(response),
    );
    const startedAt = performance.now();
    const error = await captureError(cc.invalidate('table:products'));
    expect(CachecoreRateLimitError.isInstance(error)).toBe(true);
    expect((error as CachecoreRateLimitError).retryAfter).toBe(60);
    expect(error.message).toMatch(/429.*rate limited/);
    expect(gateway.requests).toHaveLength(1);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });

  it('retries a 500 twice with backoff, then throws a CachecoreError with the status', async () => {
    gateway.handle((_recorded, response) => answerError(500, 'store unavailable')(response));
    const startedAt = performance.now();
    const error = await captureError(cc.invalidate('table:products'));
    expect(error.constructor).toBe(CachecoreError);
    expect(error).toMatchObject({ code: 'server_error', status: 500 });
    expect(error.message).toMatch(/store unavailable/);
    expect(gateway.requests).toHaveLength(3);
    // Without Retry-After the two waits are about 0.5 s and 1 s, minus up to 25 % jitter.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1_100);
  });

  it('times out with code timeout and the cause attached', async () => {
    gateway.handle(() => {
      // Never answers.
    });
    const impatient = new CachecoreClient({
      gatewayUrl: gateway.origin,
      tenantJwt: token,
      timeout: 100,
    });
    const error = await captureError(impatient.invalidate('table:products'));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`POST ${gateway.origin}/v1/invalidate timed out after 100 ms.`);
    expect(error.cause).toBeDefined();
    expect(gateway.requests).toHaveLength(1);
  });

  it('reports an unreachable gateway as a network error', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    const unreachable = new CachecoreClient({ gatewayUrl: closed.origin, tenantJwt: token });
    const error = await captureError(unreachable.invalidate('table:products'));
    expect(error.code).toBe('network');
    expect(error.message).toContain(`POST ${closed.origin}/v1/invalidate failed`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('stops when the caller aborts, also while waiting to retry', async () => {
    gateway.handle((_recorded, response) =>
      answerError(503, 'busy', { 'retry-after': '5' })(response),
    );
    const controller = new AbortController();
    const pending = cc.invalidate('table:products', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const error = await captureError(pending);
    expect(error.code).toBe('aborted');
    expect(gateway.requests).toHaveLength(1);
  });

  it('validates the dependency id before any request', async () => {
    const errors = await Promise.all([
      captureError(cc.invalidate('')),
      captureError(cc.invalidate('x'.repeat(300))),
      captureError(cc.invalidate('table:x', { newHash: '' })),
      captureError(cc.invalidate('   ')),
      captureError(cc.invalidate('cc:policy-version')),
      captureError(cc.invalidate('table:x', { newHash: 'h'.repeat(257) })),
    ]);
    expect(errors.map((error) => error.code)).toEqual([
      'invalid_deps',
      'invalid_deps',
      'invalid_options',
      'invalid_deps',
      'invalid_deps',
      'invalid_options',
    ]);
    expect(errors[4]!.message).toMatch(/"cc:policy-version" is reserved/);
    expect(errors[5]!.message).toMatch(/newHash.*over 256 bytes/);
    expect(gateway.requests).toHaveLength(0);
  });
});

describe('invalidateMany', () => {
  it('reports one result per dep, in order, when one of them fails', async () => {
    gateway.handle((recorded: RecordedRequest, response, request) => {
      if (JSON.parse(recorded.body).dep_id === 'table:broken') {
        return answerError(403, 'not your dependency')(response);
      }
      return answerOk(recorded, response, request);
    });
    const results = await cc.invalidateMany([
      'table:orders',
      'table:broken',
      new Dep('table:products'),
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({
      depId: 'table:orders',
      ok: true,
      newHash: 'uuid-1',
      keysDeleted: 3,
    });
    expect(results[2]).toMatchObject({ depId: 'table:products', ok: true });
    const failure = results[1]!;
    expect(failure.ok).toBe(false);
    if (!failure.ok) {
      expect(failure.depId).toBe('table:broken');
      expect(CachecoreAuthError.isInstance(failure.error)).toBe(true);
      expect(failure.error.message).toMatch(/not your dependency/);
    }
    expect(gateway.requests).toHaveLength(3);
  });

  it('runs the calls concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    gateway.handle(async (recorded, response, request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      answerOk(recorded, response, request);
    });
    const results = await cc.invalidateMany(
      Array.from({ length: 6 }, (_, index) => `dep:${index}`),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('returns an empty list for no deps and reports invalid ids as failures', async () => {
    expect(await cc.invalidateMany([])).toEqual([]);
    const [result] = await cc.invalidateMany(['']);
    expect(result).toMatchObject({ depId: '', ok: false });
    expect(gateway.requests).toHaveLength(0);
  });
});
