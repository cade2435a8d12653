import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';

const SECRET = 'embeddings-test-secret';

let upstream: MockUpstream;
let gateway: Gateway;
let token: string;

beforeAll(async () => {
  upstream = await createMockUpstream({ latencyMs: 30 });
  gateway = await startGateway({ upstream: upstream.url, jwtSecret: SECRET, logLevel: 'silent' });
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

beforeEach(async () => {
  token = await createTenantToken({ secret: SECRET, tenantId: `embeddings-${randomUUID()}` });
  upstream.reset();
});

interface EmbeddingsAnswer {
  status: number;
  headers: Headers;
  body: {
    data: Array<{ index: number; embedding: number[] | string }>;
    usage: { prompt_tokens: number; total_tokens: number };
    model: string;
    error?: { message: string };
  };
}

async function embed(
  body: Record<string, unknown>,
  headers: Record<string, string> = { 'x-cachecore-token': token },
): Promise<EmbeddingsAnswer> {
  const response = await fetch(`${gateway.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'text-embedding-3-small', ...body }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** What the upstream itself answers for these inputs, asked directly. */
async function direct(input: unknown, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${upstream.url}/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'text-embedding-3-small', input, ...extra }),
  });
  return (await response.json()) as EmbeddingsAnswer['body'];
}

function decodeBase64Vector(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

const chunks = (count: number, offset = 0) =>
  Array.from(
    { length: count },
    (_, index) => `chunk ${index + offset}: ${'lorem '.repeat(index % 7)}`,
  );

describe('POST /v1/embeddings, cached per input', () => {
  it('sends only the uncached inputs of a batch upstream and answers all of them in order, with the usage of the whole batch', async () => {
    const inputs = chunks(100);
    const first = await embed({ input: inputs.slice(0, 97) });
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(first.headers.get('x-cachecore-embedding-inputs')).toBe('cached=0, fetched=97');
    upstream.reset();

    const batch = await embed({ input: inputs });
    expect(batch.status).toBe(200);
    expect(batch.headers.get('x-cache')).toBe('MISS');
    expect(batch.headers.get('x-cachecore-embedding-inputs')).toBe('cached=97, fetched=3');
    expect(upstream.requests).toHaveLength(1);
    expect((upstream.requests[0]!.body as { input: string[] }).input).toEqual(inputs.slice(97));

    const expected = await direct(inputs);
    expect(batch.body.data.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
    batch.body.data.forEach((item, index) => {
      const reference = expected.data[index]!.embedding as number[];
      (item.embedding as number[]).forEach((value, dimension) => {
        expect(value).toBeCloseTo(reference[dimension]!, 6);
      });
    });
    expect(batch.body.usage).toEqual(expected.usage);

    upstream.reset();
    const again = await embed({ input: inputs });
    expect(again.headers.get('x-cache')).toBe('HIT_L1');
    expect(again.headers.get('x-cachecore-embedding-inputs')).toBe('cached=100, fetched=0');
    expect(upstream.requests).toHaveLength(0);
    expect(again.body.usage).toEqual(expected.usage);
    expect(again.body.data).toEqual(batch.body.data);
  });

  it('serves float and base64 answers from the same entry', async () => {
    const asFloat = await embed({ input: ['Which rooms face the harbour?'] });
    const asBase64 = await embed({
      input: ['Which rooms face the harbour?'],
      encoding_format: 'base64',
    });
    expect(asBase64.headers.get('x-cache')).toBe('HIT_L1');
    expect(typeof asBase64.body.data[0]!.embedding).toBe('string');
    expect(decodeBase64Vector(asBase64.body.data[0]!.embedding as string)).toEqual(
      asFloat.body.data[0]!.embedding,
    );
    // A base64 miss is the upstream's vector too.
    const fresh = await embed({ input: 'A text asked in base64 first', encoding_format: 'base64' });
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    const reference = (await direct(['A text asked in base64 first'])).data[0]!
      .embedding as number[];
    decodeBase64Vector(fresh.body.data[0]!.embedding as string).forEach((value, dimension) => {
      expect(value).toBeCloseTo(reference[dimension]!, 6);
    });
  });

  it('keys entries by model and dimensions, and by tenant', async () => {
    await embed({ input: 'dimension probe' });
    expect((await embed({ input: 'dimension probe', dimensions: 64 })).headers.get('x-cache')).toBe(
      'MISS',
    );
    expect(
      (await embed({ input: 'dimension probe', dimensions: 64 })).body.data[0]!.embedding,
    ).toHaveLength(64);
    expect(
      (await embed({ input: 'dimension probe', model: 'text-embedding-3-large' })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    const other = await createTenantToken({ secret: SECRET, tenantId: `other-${randomUUID()}` });
    expect(
      (await embed({ input: 'dimension probe' }, { 'x-cachecore-token': other })).headers.get(
        'x-cache',
      ),
    ).toBe('MISS');
    expect((await embed({ input: 'dimension probe' })).headers.get('x-cache')).toBe('HIT_L1');
  });

  it('evicts the inputs tagged with a dep when it is invalidated', async () => {
    const deps = Buffer.from(
      JSON.stringify([{ dep_id: 'doc:handbook', expected_hash: 'v1' }]),
    ).toString('base64url');
    const tagged = { 'x-cachecore-token': token, 'x-cachecore-deps': deps };
    await embed({ input: ['handbook section 1', 'handbook section 2'] }, tagged);
    expect(
      (await embed({ input: ['handbook section 1', 'handbook section 2'] }, tagged)).headers.get(
        'x-cache',
      ),
    ).toBe('HIT_L1');

    const invalidated = await fetch(`${gateway.url}/v1/invalidate`, {
      method: 'POST',
      headers: { 'x-cachecore-token': token },
      body: JSON.stringify({ dep_id: 'doc:handbook', new_hash: 'v2' }),
    });
    expect((await invalidated.json()).keys_deleted).toBe(2);
    upstream.reset();
    const newDeps = Buffer.from(
      JSON.stringify([{ dep_id: 'doc:handbook', expected_hash: 'v2' }]),
    ).toString('base64url');
    const after = await embed(
      { input: ['handbook section 1', 'handbook section 2'] },
      { 'x-cachecore-token': token, 'x-cachecore-deps': newDeps },
    );
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(upstream.requests).toHaveLength(1);
  });

  it('fetches an input once when it repeats in a batch or is asked by concurrent batches', async () => {
    const repeated = await embed({ input: ['twice', 'once', 'twice'] });
    expect((upstream.requests[0]!.body as { input: string[] }).input).toEqual(['twice', 'once']);
    expect(repeated.body.data[0]!.embedding).toEqual(repeated.body.data[2]!.embedding);
    upstream.reset();

    const [left, right] = await Promise.all([
      embed({ input: ['shared input', 'left only'] }),
      embed({ input: ['shared input', 'right only'] }),
    ]);
    const sent = upstream.requests.flatMap(
      (request) => (request.body as { input: string[] }).input,
    );
    expect(sent.filter((input) => input === 'shared input')).toHaveLength(1);
    expect(left.body.data[0]!.embedding).toEqual(right.body.data[0]!.embedding);
  });

  it('relays an upstream failure and caches nothing from it', async () => {
    upstream.failNext(500);
    const failed = await embed({ input: ['fails upstream'] });
    expect(failed.status).toBe(500);
    expect(failed.body.error?.message).toContain('Mock upstream failure');
    expect((await embed({ input: ['fails upstream'] })).headers.get('x-cache')).toBe('MISS');
  });

  it.each([
    ['an empty list', { input: [] }],
    ['an empty string', { input: ['ok', ''] }],
    ['a non-string item', { input: ['ok', { text: 'x' }] }],
    ['a bad encoding_format', { input: 'x', encoding_format: 'utf8' }],
    ['a bad dimensions', { input: 'x', dimensions: -3 }],
    ['too many inputs', { input: Array.from({ length: 2049 }, (_, index) => `i${index}`) }],
  ])('answers 400 for %s, before calling upstream', async (_label, body) => {
    const answer = await embed(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(/input|encoding_format|dimensions/);
    expect(upstream.requests).toHaveLength(0);
  });

  it('relays the upstream refusal of a vector length it cannot make, and keeps serving', async () => {
    // The shipped mock refuses like the real API, rather than building a billion numbers.
    const refused = await embed({ input: 'x', dimensions: 1_000_000_000 });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toContain('dimensions');
    expect((await embed({ input: 'still served' })).status).toBe(200);
  });

  it('forwards a request without a tenant token uncached, as BYPASS', async () => {
    const first = await embed({ input: 'anonymous' }, {});
    const second = await embed({ input: 'anonymous' }, {});
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual([
      'BYPASS',
      'BYPASS',
    ]);
    expect(upstream.requests).toHaveLength(2);
  });
});
