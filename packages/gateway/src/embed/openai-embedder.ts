import type { Embedder } from './embedder';
import { EmbedderError } from './embedder-error';
import { normalizeVector } from './hash-embedder';
import { createWordTable } from './normalize-text';

/** Options of `createOpenAIEmbedder`. */
export interface OpenAIEmbedderOptions {
  /**
   * Base URL of an OpenAI-compatible API, including `/v1`.
   * @default 'https://api.openai.com/v1'
   */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /**
   * Embedding model name.
   * @default 'text-embedding-3-small'
   */
  model?: string;
  /**
   * Requested vector length, sent as `dimensions` when set (text-embedding-3 models shorten their
   * vectors on request). When unset, the model's known native length is used, or one probe request
   * finds it out for unknown models.
   */
  dimensions?: number;
  /** The `fetch` to call the endpoint with. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Most texts per request; larger inputs are split into several requests.
   * @default 128
   */
  batchSize?: number;
  /**
   * Time allowed per request before it is aborted, in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

/** Default base URL of `createOpenAIEmbedder`. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Default model of `createOpenAIEmbedder`. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

/**
 * Threshold of the OpenAI embedder: the protocol's self-host default, calibrated for bge-small-class
 * 384-dim sentence models. No OpenAI-model calibration could be run offline; text-embedding-3
 * models spread similarities lower than bge, so 0.87 errs on the strict side (fewer hits, not wrong
 * ones), and the guards still veto near misses. Against the GloVe sentence stand-in of the tests
 * (`test/measure-l2-judgement.ts`), where L2 compares the differing parts of two prompts, 0.87 lets
 * no different question through and serves 9% of rewording pairs; the closest different questions
 * no guard vetoes score 0.85 there (`How long do I roast the whole chicken?` / `How long should the
 * chicken rest before carving?`), so 0.87 stays: strict, as an uncalibrated default should be.
 */
export const OPENAI_EMBEDDER_DEFAULT_THRESHOLD = 0.87;

const NATIVE_DIMENSIONS = createWordTable({
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
});

/**
 * Creates an embedder backed by any OpenAI-compatible `POST /embeddings` endpoint (OpenAI, Azure
 * proxies, vLLM, Ollama, LM Studio, text-embeddings-inference, ...). Vectors are re-normalised to
 * unit length; empty texts get all-zero vectors without a request. Failures throw an
 * `EmbedderError` naming the URL and the HTTP status.
 *
 * @example
 * const embedder = await createOpenAIEmbedder({ apiKey: process.env.OPENAI_API_KEY, dimensions: 384 });
 * embedder.id; // 'openai:text-embedding-3-small:384'
 */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions = {}): Promise<Embedder> {
  const baseUrl = (options.baseUrl ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '');
  const url = `${baseUrl}/embeddings`;
  const model = options.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 128));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (options.dimensions !== undefined) {
    if (!Number.isInteger(options.dimensions) || options.dimensions <= 0) {
      throw new EmbedderError(
        'embedder_config',
        `embedding dimensions must be a positive integer, got ${options.dimensions}`,
      );
    }
  }

  const requestBatch = async (
    inputs: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const body: Record<string, unknown> = { model, input: inputs, encoding_format: 'float' };
    if (options.dimensions !== undefined) body.dimensions = options.dimensions;
    let response: Response;
    let payload: unknown;
    try {
      response = await fetchFunction(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: combined,
      });
      const text = await response.text();
      payload = parseJson(text);
      if (!response.ok) {
        throw new EmbedderError(
          'embedder_request_failed',
          `POST ${url} failed with HTTP ${response.status}${describeErrorBody(payload, text)}`,
          { status: response.status },
        );
      }
    } catch (error) {
      if (EmbedderError.isInstance(error)) throw error;
      if (signal?.aborted) throw signal.reason;
      const reason = timeout.aborted
        ? `timed out after ${timeoutMs} ms`
        : `failed: ${error instanceof Error ? error.message : String(error)}`;
      throw new EmbedderError('embedder_request_failed', `POST ${url} ${reason}`, { cause: error });
    }
    return readEmbeddings(payload, inputs.length, url, response.status);
  };

  const embedAll = async (
    texts: readonly string[],
    dimensions: number | undefined,
    signal?: AbortSignal,
  ): Promise<Float32Array[]> => {
    const vectors: Float32Array[] = new Array(texts.length);
    const pending: number[] = [];
    texts.forEach((text, index) => {
      // The API rejects empty input; the Embedder contract answers zeros for it.
      if (text.trim() === '') vectors[index] = new Float32Array(dimensions ?? 0);
      else pending.push(index);
    });
    for (let start = 0; start < pending.length; start += batchSize) {
      const indexes = pending.slice(start, start + batchSize);
      const batch = await requestBatch(
        indexes.map((index) => texts[index]!),
        signal,
      );
      batch.forEach((vector, position) => {
        if (dimensions !== undefined && vector.length !== dimensions) {
          throw new EmbedderError(
            'embedder_request_failed',
            `POST ${url} returned ${vector.length}-dimension vectors, expected ${dimensions}` +
              ` (does model "${model}" support the dimensions parameter?)`,
          );
        }
        vectors[indexes[position]!] = vector;
      });
    }
    return vectors;
  };

  let dimensions = options.dimensions ?? NATIVE_DIMENSIONS[model];
  if (dimensions === undefined) {
    const [probe] = await embedAll(['dimension probe'], undefined);
    dimensions = probe!.length;
  }
  const knownDimensions = dimensions;
  return {
    id: `openai:${model}:${knownDimensions}`,
    dimensions: knownDimensions,
    defaultThreshold: OPENAI_EMBEDDER_DEFAULT_THRESHOLD,
    embed: (texts, signal) => embedAll(texts, knownDimensions, signal),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeErrorBody(payload: unknown, text: string): string {
  const message = (payload as { error?: { message?: unknown } } | undefined)?.error?.message;
  const detail = typeof message === 'string' ? message : text.trim();
  return detail === '' ? '' : `: ${detail.slice(0, 300)}`;
}

/** Reads `data[].embedding` (float arrays, or base64 float32 from servers that ignore `encoding_format`). */
function readEmbeddings(
  payload: unknown,
  expectedCount: number,
  url: string,
  status: number,
): Float32Array[] {
  const data = (payload as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data) || data.length !== expectedCount) {
    throw new EmbedderError(
      'embedder_request_failed',
      `POST ${url} answered HTTP ${status} without ${expectedCount} embeddings in "data"`,
      { status },
    );
  }
  const vectors: Float32Array[] = new Array(expectedCount);
  data.forEach((item: { index?: unknown; embedding?: unknown }, position) => {
    const index = typeof item?.index === 'number' ? item.index : position;
    const embedding = item?.embedding;
    let vector: Float32Array | undefined;
    if (Array.isArray(embedding) && embedding.every((value) => typeof value === 'number')) {
      vector = Float32Array.from(embedding as number[]);
    } else if (typeof embedding === 'string') {
      // Copy first: a pooled Buffer's offset need not be a multiple of 4.
      const bytes = new Uint8Array(Buffer.from(embedding, 'base64'));
      vector = new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4));
    }
    if (vector === undefined || vector.length === 0 || index < 0 || index >= expectedCount) {
      throw new EmbedderError(
        'embedder_request_failed',
        `POST ${url} answered HTTP ${status} with a malformed embedding at data[${position}]`,
        { status },
      );
    }
    vectors[index] = normalizeVector(vector);
  });
  if (Array.from(vectors).some((vector) => vector === undefined)) {
    throw new EmbedderError(
      'embedder_request_failed',
      `POST ${url} answered HTTP ${status} with duplicate embedding indexes`,
      { status },
    );
  }
  return vectors;
}
