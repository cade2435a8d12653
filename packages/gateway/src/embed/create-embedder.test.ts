import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from './create-embedder';

let server: Server;
let baseUrl: string;
const models: string[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text) as { model: string; input: string[]; dimensions?: number };
    models.push(body.model);
    const dimensions = body.dimensions ?? 6;
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        data: body.input.map((_input, index) => ({
          index,
          embedding: Array.from({ length: dimensions }, (_value, position) => position + 1),
        })),
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('createEmbedder', () => {
  it('creates the offline hash embedder by default', async () => {
    const embedder = await createEmbedder();
    expect(embedder.id).toBe('hash-v1-384');
    expect((await createEmbedder('hash')).id).toBe('hash-v1-384');
  });

  it('creates the openai embedder with the given endpoint, model and dimensions', async () => {
    const embedder = await createEmbedder('openai', {
      openaiBaseUrl: baseUrl,
      openaiApiKey: 'sk-test',
      dimensions: 384,
    });
    expect(embedder.id).toBe('openai:text-embedding-3-small:384');
    const [vector] = await embedder.embed(['hello']);
    expect(vector).toHaveLength(384);
    expect(models.at(-1)).toBe('text-embedding-3-small');
  });

  it('reads the model from openai:<model>', async () => {
    const embedder = await createEmbedder('openai:nomic-embed-text', { openaiBaseUrl: baseUrl });
    expect(embedder.id).toBe('openai:nomic-embed-text:6');
    expect(models.at(-1)).toBe('nomic-embed-text');
  });

  it('passes onnx:<dir> to the local model loader', async () => {
    await expect(createEmbedder('onnx:/nonexistent/cachecore-model')).rejects.toThrow(
      'ONNX model folder not found: /nonexistent/cachecore-model',
    );
  });

  it('rejects unknown specs with the accepted forms', async () => {
    await expect(createEmbedder('bert')).rejects.toMatchObject({
      code: 'embedder_config',
      message:
        'unknown embedder "bert"; expected hash, openai, openai:<model> or onnx:<model folder>',
    });
    await expect(createEmbedder('onnx:')).rejects.toMatchObject({ code: 'embedder_config' });
  });
});
