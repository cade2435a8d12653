// The drifts between client and gateway that the shared protocol module removed, each checked the
// way a user meets it: the real client and the real gateway over HTTP (docs/PROTOCOL.md).
import { CachecoreClient, type CacheStatus, cachecoreHeaders, Dep } from '@cachecore/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenantToken } from './auth/create-tenant-token';
import { type Gateway, startGateway } from './gateway';
import type { MockUpstream } from './upstream/mock-upstream';

const SECRET = 'protocol-conformance-secret';

// biome-ignore lint/suspicious/noExplicitAny: untyped JSON read in assertions only
type Json = any;

let gateway: Gateway;
let upstream: MockUpstream;
let jwt: string;

beforeAll(async () => {
  // No upstream API key: the configuration in which a tenant bearer not recognised as one would
  // be forwarded upstream as bypass.
  gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 1,
    jwtSecret: SECRET,
    logLevel: 'silent',
    l2: false,
    bypassRpm: 10_000,
  });
  upstream = gateway.mockUpstream!;
  jwt = await createTenantToken({ secret: SECRET, tenantId: 'conformance' });
});

afterAll(async () => {
  await gateway.close();
});

afterEach(() => {
  upstream.reset();
});

function chatBody(content: string): string {
  return JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json };
}

describe('tenant tokens with any cc_<kind>_ key prefix', () => {
  it('serves a cc_test_ token sent by the client in X-Cachecore-Token, MISS then HIT_L1', async () => {
    const seen: CacheStatus[] = [];
    const cc = new CachecoreClient({
      gatewayUrl: gateway.url,
      tenantJwt: `cc_test_x.${jwt}`,
      onCacheStatus: (status) => seen.push(status),
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await cc.fetch(`${cc.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chatBody('cc_test via the token header'),
      });
      expect(response.status).toBe(200);
      await response.json();
    }
    expect(seen.map((status) => status.status)).toEqual(['MISS', 'HIT_L1']);
    expect(seen[1]!.similarity).toBe(1);
    expect(upstream.requestCount).toBe(1);
  });

  it('serves a cc_test_ token in Authorization: Bearer as the tenant, never as bypass', async () => {
    const headers = { authorization: `Bearer cc_test_x.${jwt}` };
    const first = await post('/v1/chat/completions', chatBody('cc_test via bearer'), headers);
    const second = await post('/v1/chat/completions', chatBody('cc_test via bearer'), headers);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT_L1');
    // The tenant token is the gateway's to keep: it never reaches the upstream.
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual([undefined]);
  });

  it('reads the same JWT behind different prefixes as the same tenant', async () => {
    const body = chatBody('one tenant, three spellings');
    expect(
      (await post('/v1/chat/completions', body, { 'x-cachecore-token': jwt })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    for (const token of [`cc_live_k1.${jwt}`, `cc_staging_k-2.${jwt}`]) {
      const answer = await post('/v1/chat/completions', body, { 'x-cachecore-token': token });
      expect(answer.headers.get('x-cache'), token).toBe('HIT_L1');
    }
  });

  it('rejects a prefixed token with a bad JWT with 401', async () => {
    const answer = await post('/v1/chat/completions', chatBody('bad'), {
      authorization: `Bearer cc_test_x.${jwt.slice(0, -4)}AAAA`,
    });
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toMatch(/signature/);
    expect(upstream.requestCount).toBe(0);
  });
});

describe('dependency ids, the same rules on both sides', () => {
  const handMade = (deps: unknown) => Buffer.from(JSON.stringify(deps)).toString('base64url');

  it('answers 400 for a whitespace-only dep id in the deps header', async () => {
    const answer = await post('/v1/chat/completions', chatBody('blank dep'), {
      'x-cachecore-token': jwt,
      'x-cachecore-deps': handMade([{ dep_id: '  \t', expected_hash: 'v1' }]),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/X-Cachecore-Deps.*"dep_id": it is empty/);
    expect(answer.json.error.code).toBe('invalid_deps_header');
    expect(upstream.requestCount).toBe(0);
  });

  it('answers 400 for a deps header naming cc:policy-version', async () => {
    const answer = await post('/v1/chat/completions', chatBody('reserved dep'), {
      'x-cachecore-token': jwt,
      'x-cachecore-deps': handMade([{ dep_id: 'cc:policy-version', expected_hash: '0' }]),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/"cc:policy-version" is reserved/);
  });

  it.each([
    [
      'a 300-byte dep id',
      { dep_id: 'x'.repeat(300) },
      /"dep_id".*over 256 bytes long \(300 UTF-8 bytes\)/,
    ],
    ['a whitespace-only dep id', { dep_id: '   ' }, /"dep_id".*empty/],
    ['cc:policy-version', { dep_id: 'cc:policy-version' }, /"cc:policy-version" is reserved/],
    [
      'a 300-byte new_hash',
      { dep_id: 'doc:a', new_hash: 'h'.repeat(300) },
      /"new_hash".*over 256 bytes/,
    ],
    ['a numeric dep id', { dep_id: 42 }, /"dep_id".*a number, not a string/],
    ['a JSON array body', [], /"dep_id".*missing/],
  ])(
    'answers 400 to an invalidation with %s, naming the problem',
    async (_label, body, problem) => {
      const answer = await post('/v1/invalidate', JSON.stringify(body), {
        'x-cachecore-token': jwt,
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toEqual({
        message: expect.stringMatching(problem),
        type: expect.any(String),
        code: expect.stringMatching(/^invalid_(dep_id|new_hash)$/),
      });
    },
  );

  it('invalidates a dep of exactly 256 bytes that the client tagged a request with', async () => {
    const cc = new CachecoreClient({ gatewayUrl: gateway.url, tenantJwt: jwt });
    const longId = `doc:${'é'.repeat(126)}`;
    expect(Buffer.byteLength(longId)).toBe(256);
    const ask = async () => {
      const response = await cc.fetch(`${cc.baseURL}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...cachecoreHeaders({ deps: [new Dep(longId)] }),
        },
        body: chatBody('long dep'),
      });
      await response.text();
      return response.headers.get('x-cache');
    };
    expect(await ask()).toBe('MISS');
    expect(await ask()).toBe('HIT_L1');
    expect(await cc.invalidate(longId, { newHash: 'h'.repeat(256) })).toMatchObject({
      ok: true,
      keysDeleted: 1,
    });
    expect(await ask()).toBe('MISS');
  });
});

describe('bypass authorised by its tenant', () => {
  it('is still a bypass when the client sends the bypass token header, which never goes upstream', async () => {
    const cc = new CachecoreClient({ gatewayUrl: gateway.url, tenantJwt: `cc_test_x.${jwt}` });
    const statuses: Array<string | null> = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await cc.requestContext({ bypass: true }, () =>
        cc.fetch(`${cc.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: chatBody('bypass with its tenant'),
        }),
      );
      await response.text();
      statuses.push(response.headers.get('x-cache'));
    }
    expect(statuses).toEqual(['BYPASS', 'BYPASS']);
    expect(upstream.requestCount).toBe(2);
    for (const request of upstream.requests) {
      expect(Object.keys(request.headers).filter((name) => name.startsWith('x-cachecore'))).toEqual(
        [],
      );
    }
  });
});
