import { describe, expect, it } from 'vitest';
import { useMockGateway } from '../../test/support/mock-gateway';
import { postJson } from '../../test/support/raw-http';
import { MAX_JSON_DEPTH, parseJsonBody } from './read-body';

/** `levels` arrays, one inside the other, around `inner`. */
const nestedArrays = (levels: number, inner = '') =>
  `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** A chat body whose `messages` holds `nested` (JSON text) as its first message's content. */
const chatWithContent = (nested: string) =>
  `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${nested}}]}`;

describe('deeply nested JSON bodies', () => {
  const fixture = useMockGateway();

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    postJson(fixture.gateway.url, path, body, headers);

  it.each([
    ['arrays 5,000 deep', nestedArrays(5000)],
    ['objects 5,000 deep', nestedObjects(5000)],
    [
      'messages holding arrays 5,000 deep',
      `{"model":"gpt-4o-mini","messages":${nestedArrays(5000)}}`,
    ],
    ['a message content 5,000 deep', chatWithContent(nestedArrays(5000))],
    ['a message content one level too deep', chatWithContent(nestedArrays(MAX_JSON_DEPTH - 2))],
  ])(
    'answers a chat body of %s with a 400 naming the limit, forwarding nothing',
    async (_, body) => {
      for (const headers of [{ 'x-cachecore-token': fixture.token }, {}] as Record<
        string,
        string
      >[]) {
        const answer = await post('/v1/chat/completions', body, headers);
        expect(answer.status).toBe(400);
        expect(answer.json.error).toEqual({
          message: `The request body nests JSON arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
          type: 'invalid_request_error',
          code: 'json_too_deep',
        });
      }
      expect(fixture.upstream.requests).toEqual([]);
    },
  );

  it('answers an invalidation body nested 5,000 deep with a 400', async () => {
    const answer = await post('/v1/invalidate', nestedObjects(5000), {
      'x-cachecore-token': fixture.token,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('json_too_deep');
  });

  it('accepts a body nested exactly to the limit, and brackets inside strings', async () => {
    // Body (1) > messages (2) > message (3) > content: MAX_JSON_DEPTH - 3 more levels.
    const atLimit = chatWithContent(nestedArrays(MAX_JSON_DEPTH - 3, '"deep"'));
    const answer = await post('/v1/chat/completions', atLimit, {
      'x-cachecore-token': fixture.token,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-cache']).toBe('MISS');

    const bracketsInText = chatWithContent(
      JSON.stringify(`${'[{'.repeat(3000)} \\" ${'}]'.repeat(3000)}`),
    );
    const text = await post('/v1/chat/completions', bracketsInText, {
      'x-cachecore-token': fixture.token,
    });
    expect(text.status).toBe(200);
    expect(fixture.upstream.requests).toHaveLength(2);
  });
});

describe('parseJsonBody', () => {
  const parse = (text: string) => () => parseJsonBody(Buffer.from(text));

  it('counts depth after strings that end in escaped backslashes or hold escaped quotes', () => {
    const tooDeep = nestedArrays(MAX_JSON_DEPTH);
    expect(parse(`[${JSON.stringify('ends in \\')}, ${tooDeep}]`)).toThrow(/levels deep/);
    expect(parse(`[${JSON.stringify('a "quoted" [[[[')}, ${tooDeep}]`)).toThrow(/levels deep/);
    expect(
      parse(`[${JSON.stringify('\\"[[[[[[')}, ${nestedArrays(MAX_JSON_DEPTH - 1)}]`),
    ).not.toThrow();
  });

  it('leaves an unterminated string to the JSON parser', () => {
    expect(parse(`["open ${'['.repeat(100)}`)).toThrow(/not valid JSON/);
  });
});
