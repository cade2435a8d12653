import { connect, type Socket } from 'node:net';
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

describe('request bodies cut off or sent in pieces', () => {
  const fixture = useMockGateway();

  /** Sends `head` and `parts` over a raw socket, one write each, and returns the socket. */
  const sendParts = (parts: string[]) => {
    const { hostname, port } = new URL(fixture.gateway.url);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    return new Promise<Socket>((resolve) => {
      socket.on('connect', async () => {
        for (const part of parts) {
          socket.write(part);
          await new Promise((done) => setTimeout(done, 20));
        }
        resolve(socket);
      });
    });
  };
  const chatBody = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'a body in pieces' }],
  });
  const head = (length: number) =>
    `POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n` +
    `x-cachecore-token: ${fixture.token}\r\ncontent-length: ${length}\r\n\r\n`;

  it('forwards nothing for a body the client abandons half-way, and keeps serving', async () => {
    const socket = await sendParts([head(chatBody.length), chatBody.slice(0, 20)]);
    socket.destroy();
    await new Promise((done) => setTimeout(done, 100));
    expect(fixture.upstream.requests).toEqual([]);
    const answer = await postJson(fixture.gateway.url, '/v1/chat/completions', chatBody, {
      'x-cachecore-token': fixture.token,
    });
    expect(answer.status).toBe(200);
    expect(fixture.upstream.requests).toHaveLength(1);
  });

  it('joins a body that arrives in several writes into the same request', async () => {
    const chatBody = JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'another body in pieces' }],
    });
    const parts = [head(chatBody.length), chatBody.slice(0, 10), chatBody.slice(10, 40)];
    const socket = await sendParts([...parts, chatBody.slice(40)]);
    const text = await new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('utf8');
        if (received.includes('"choices"')) resolve(received);
      });
    });
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    const forwarded = fixture.upstream.requests[0]?.body as { messages: { content: string }[] };
    expect(forwarded.messages[0]?.content).toBe('another body in pieces');
  });
});
