import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmbedderError } from './embedder-error';
import { createOpenAIEmbedder } from './openai-embedder';

interface RecordedRequest {
  url: string;
  authorization: string | undefined;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

/**
 * A small OpenAI-compatible embeddings server: each text becomes `[length, 1, 0, ...]` (not unit
 * length, so normalisation is observable), answered in reverse order with explicit indexes.
 */
let server: Server;
let baseUrl: string;
let requests: RecordedRequest[] = [];
let respond: (request: RecordedRequest, response: ServerResponse) => void;

function answerEmbeddings(request: RecordedRequest, response: ServerResponse): void {
  const dimensions = request.body.dimensions ?? 8;
  const data = request.body.input.map((text, index) => {
    const embedding = new Array<number>(dimensions).fill(0);
    embedding[0] = text.length;
    embedding[1] = 1;
    return { object: 'embedding', index, embedding };
  });
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ object: 'list', data: data.reverse(), model: request.body.model }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const recorded: RecordedRequest = {
      url: request.url ?? '',
      authorization: request.headers.authorization,
      body: JSON.parse(await readBody(request)),
    };
    requests.push(recorded);
    respond(recorded, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  requests = [];
  respond = answerEmbeddings;
});

describe('createOpenAIEmbedder', () => {
  it('posts to <baseUrl>/embeddings with model, key and dimensions, and normalises vectors', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl, apiKey: 'sk-test', dimensions: 4 });
    expect(embedder.id).toBe('openai:text-embedding-3-small:4');
    expect(embedder.dimensions).toBe(4);
    expect(embedder.defaultThreshold).toBe(0.87);
    const [vector] = await embedder.embed(['abc']);
    expect(Array.from(vector!)).toEqual([
      Math.fround(3 / Math.sqrt(10)),
      Math.fround(1 / Math.sqrt(10)),
      0,
      0,
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      url: '/v1/embeddings',
      authorization: 'Bearer sk-test',
      body: {
        model: 'text-embedding-3-small',
        input: ['abc'],
        dimensions: 4,
        encoding_format: 'float',
      },
    });
  });

  it('splits inputs into batches and keeps every vector with its text', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 3, batchSize: 2 });
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await embedder.embed(texts);
    expect(requests.map((request) => request.body.input)).toEqual([
      ['a', 'bb'],
      ['ccc', 'dddd'],
      ['eeeee'],
    ]);
    vectors.forEach((vector, index) => {
      const length = index + 1;
      expect(vector[0]).toBeCloseTo(length / Math.sqrt(length * length + 1), 6);
    });
  });

  it('answers zeros for empty texts without sending them', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 3 });
    const [empty, text] = await embedder.embed(['  ', 'x']);
    expect(Array.from(empty!)).toEqual([0, 0, 0]);
    expect(text![0]).toBeGreaterThan(0);
    expect(requests.map((request) => request.body.input)).toEqual([['x']]);
  });

  it('learns the vector length of an unknown model from one probe request', async () => {
    const embedder = await createOpenAIEmbedder({ baseUrl, model: 'local-embedder' });
    expect(embedder.dimensions).toBe(8);
    expect(embedder.id).toBe('openai:local-embedder:8');
    expect(requests[0]!.body).not.toHaveProperty('dimensions');
  });

  it('names the URL, status and server message when the endpoint fails', async () => {
    respond = (_request, response) => {
      response.statusCode = 401;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
    };
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 4 });
    const failure = await embedder.embed(['hello']).catch((error: unknown) => error);
    expect(EmbedderError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'embedder_request_failed', status: 401 });
    expect((failure as Error).message).toBe(
      `POST ${baseUrl}/embeddings failed with HTTP 401: Incorrect API key provided`,
    );
  });

  it('times out a slow endpoint with a clear message', async () => {
    respond = (request, response) => {
      setTimeout(() => answerEmbeddings(request, response), 300);
    };
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 4, timeoutMs: 30 });
    await expect(embedder.embed(['slow'])).rejects.toThrow(
      `POST ${baseUrl}/embeddings timed out after 30 ms`,
    );
  });

  it('reports an unreachable endpoint with its URL', async () => {
    const embedder = await createOpenAIEmbedder({
      baseUrl: 'http://127.0.0.1:1/v1',
      dimensions: 4,
    });
    await expect(embedder.embed(['hello'])).rejects.toThrow(
      'POST http://127.0.0.1:1/v1/embeddings failed:',
    );
  });

  it('rejects vectors of the wrong length instead of indexing them', async () => {
    respond = (request, response) =>
      answerEmbeddings({ ...request, body: { ...request.body, dimensions: 5 } }, response);
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 4 });
    await expect(embedder.embed(['hello'])).rejects.toThrow(
      'returned 5-dimension vectors, expected 4',
    );
  });

  it('stops when the caller aborts', async () => {
    respond = (request, response) => {
      setTimeout(() => answerEmbeddings(request, response), 300);
    };
    const embedder = await createOpenAIEmbedder({ baseUrl, dimensions: 4 });
    const controller = new AbortController();
    const pending = embedder.embed(['slow'], controller.signal);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
  });

  it('refuses invalid dimensions', async () => {
    await expect(createOpenAIEmbedder({ baseUrl, dimensions: 0 })).rejects.toMatchObject({
      code: 'embedder_config',
    });
  });
});
