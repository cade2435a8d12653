import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { embedSentences, loadWordVectors } from './glove-sentence-embedder';

/** A running local `/v1/embeddings` endpoint backed by the GloVe sentence embedder. */
export interface SentenceEmbeddingServer {
  /** Base URL including `/v1`, for the gateway's `embeddingUrl`. */
  readonly url: string;
  /** Texts embedded so far. */
  readonly embeddedTexts: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Model name the server answers with; any requested name is accepted. */
export const SENTENCE_EMBEDDING_MODEL = 'glove-sif-100d';

/**
 * Starts an OpenAI-compatible `POST /v1/embeddings` server on 127.0.0.1 that embeds with
 * `embedSentences`, so the gateway's real `openai` embedder path is what tests exercise.
 *
 * @example
 * await using embeddings = await startSentenceEmbeddingServer();
 * const gateway = await startGateway({ upstream: 'mock', embedder: 'openai', embeddingUrl: embeddings.url });
 */
export async function startSentenceEmbeddingServer(): Promise<SentenceEmbeddingServer> {
  loadWordVectors();
  let embeddedTexts = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/v1/embeddings') {
      answer(404, { error: { message: 'not found', type: 'invalid_request_error', code: null } });
      return;
    }
    let input: unknown;
    try {
      input = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: unknown }).input;
    } catch {
      input = undefined;
    }
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || !texts.every((text) => typeof text === 'string')) {
      answer(400, {
        error: { message: '`input` must be a string or strings', type: 'invalid_request_error' },
      });
      return;
    }
    embeddedTexts += texts.length;
    answer(200, {
      object: 'list',
      model: SENTENCE_EMBEDDING_MODEL,
      data: embedSentences(texts).map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(vector),
      })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get embeddedTexts() {
      return embeddedTexts;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
