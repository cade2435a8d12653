import { describe, expect, it } from 'vitest';
import { useMockGateway } from '../../test/support/mock-gateway';
import { postJson, sendRaw } from '../../test/support/raw-http';
import { normalizeRequestTarget } from './request-path';

describe('request paths, through the gateway', () => {
  const fixture = useMockGateway();

  const escaping = [
    '/v1/../x',
    '/v1/../../etc/passwd',
    '/v1/%2e%2e/x',
    '/v1/%2E%2E/x',
    '/v1/%2e%2E/x',
    '/v1/.%2e/x',
    '/v1/%2e./x',
    '/v1/./x',
    '/v1/%2e/x',
    '/v1/models/..',
    '/v1/models/.',
    '/v1/..;/x',
    '/v1/.;a=b/x',
    '/v1/..%3B/x',
    '/v1/%2e%2e;/x',
    '/v1/..\\x',
    '/v1\\..\\x',
    '/v1/models\\x',
    '/v1/..%2fx',
    '/v1/..%2Fx',
    '/v1%2f..%2fx',
    '/v1/..%5cx',
    '/v1/..%5Cx',
    '/v1/models%00',
    '/v1//x',
    '//upstream.example/v1/models',
    '/v1/%zz/x',
    '/v1/models%2',
    '/v1/models#frag',
    '/health/../v1/models',
    '/admin/../v1/models',
    'http://upstream.example/v1/models',
    '*',
  ];

  it.each(escaping)(
    'answers %s with a 400 in the OpenAI shape and forwards nothing',
    async (path) => {
      const { gateway, upstream } = fixture;
      for (const headers of [{}, { 'x-cachecore-token': fixture.token }] as Record<
        string,
        string
      >[]) {
        const answer = await sendRaw(gateway.url, { method: 'GET', path, headers });
        expect(answer.status).toBe(400);
        expect(answer.headers['content-type']).toBe('application/json');
        expect(answer.json.error).toMatchObject({
          type: 'invalid_request_error',
          code: 'invalid_path',
        });
        expect(answer.json.error.message).toContain('is refused');
      }
      const body = JSON.stringify({ model: 'gpt-4o-mini', input: 'hi' });
      const post = await postJson(gateway.url, path, body, { 'x-cachecore-token': fixture.token });
      expect(post.status).toBe(400);
      expect(upstream.requests).toEqual([]);
    },
  );

  it('still forwards a plain route, and a path with escaped letters as the route they spell', async () => {
    const { gateway, upstream } = fixture;
    const plain = await sendRaw(gateway.url, { path: '/v1/models' });
    expect(plain.status).toBe(200);
    const escaped = await sendRaw(gateway.url, { path: '/v1/%6Dodel%73?limit=2&after=../x' });
    expect(escaped.status).toBe(200);
    expect(escaped.json.object).toBe('list');
    expect(upstream.requests.map((request) => request.path)).toEqual(['/v1/models', '/v1/models']);
  });

  it('routes an escaped spelling of /v1/chat/completions through the cache', async () => {
    const { gateway, upstream } = fixture;
    const body = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'escaped route' }],
    });
    const headers = { 'x-cachecore-token': fixture.token };
    const first = await postJson(gateway.url, '/v1/chat/%63ompletions', body, headers);
    const second = await postJson(gateway.url, '/v1/chat/completions', body, headers);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT_L1');
    expect(upstream.requests.map((request) => request.path)).toEqual(['/v1/chat/completions']);
  });

  it('answers /health whatever the escaping of its letters', async () => {
    const answer = await sendRaw(fixture.gateway.url, { path: '/h%65alth' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });
});

describe('normalizeRequestTarget', () => {
  it('keeps the query as received and upper-cases the escapes it keeps', () => {
    expect(normalizeRequestTarget('/v1/files/a%3fb?x=%2e%2e/y')).toEqual({
      pathname: '/v1/files/a%3Fb',
      url: '/v1/files/a%3Fb?x=%2e%2e/y',
    });
  });

  it('accepts a trailing slash and the root, which mean no other path', () => {
    expect(normalizeRequestTarget('/v1/models/').pathname).toBe('/v1/models/');
    expect(normalizeRequestTarget('/').pathname).toBe('/');
  });

  it('refuses characters fetch would re-encode, since the upstream would see another path', () => {
    expect(() => normalizeRequestTarget('/v1/{models}')).toThrow(/percent-encoded/);
  });
});
