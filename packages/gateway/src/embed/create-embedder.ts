import type { Embedder } from './embedder';
import { EmbedderError } from './embedder-error';
import { createHashEmbedder } from './hash-embedder';
import { createOnnxEmbedder } from './onnx-embedder';
import { createOpenAIEmbedder } from './openai-embedder';

/** Options of `createEmbedder`, used by the `openai` embedder (and ignored by the others). */
export interface CreateEmbedderOptions {
  /**
   * Base URL of the OpenAI-compatible embeddings API, including `/v1`.
   * @default 'https://api.openai.com/v1'
   */
  openaiBaseUrl?: string;
  /** API key of the embeddings API. */
  openaiApiKey?: string;
  /**
   * Embedding model of the `openai` embedder (`openai:<model>` in the spec also sets it).
   * @default 'text-embedding-3-small'
   */
  model?: string;
  /** Vector length requested from the `openai` embedder; its native length when unset. */
  dimensions?: number;
  /** The `fetch` used by the `openai` embedder. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Creates the embedder named by a spec string, as given to `--embedder`:
 * - `hash` (default): offline lexical embedder, `hash-v1-384`, threshold 0.9;
 * - `openai` or `openai:<model>`: an OpenAI-compatible `/v1/embeddings` endpoint, threshold 0.87;
 * - `onnx:<dir>`: a local sentence-embedding model folder through the optional
 *   `@huggingface/transformers`, never downloading, threshold 0.87.
 *
 * Throws an `EmbedderError` (`embedder_config`) for an unknown spec, or (`embedder_unavailable`)
 * when an onnx model folder or the optional package is missing.
 *
 * @example
 * const embedder = await createEmbedder(process.env.CACHECORE_EMBEDDER ?? 'hash');
 * const [vector] = await embedder.embed(['What time zone is Tokyo in?']);
 */
export async function createEmbedder(
  spec = 'hash',
  options: CreateEmbedderOptions = {},
): Promise<Embedder> {
  const trimmed = spec.trim();
  const separator = trimmed.indexOf(':');
  const kind = (separator === -1 ? trimmed : trimmed.slice(0, separator)).toLowerCase();
  const argument = separator === -1 ? '' : trimmed.slice(separator + 1).trim();
  switch (kind) {
    case '':
    case 'hash':
      if (argument !== '') break;
      return createHashEmbedder();
    case 'openai':
      return createOpenAIEmbedder({
        baseUrl: options.openaiBaseUrl,
        apiKey: options.openaiApiKey,
        model: options.model ?? (argument === '' ? undefined : argument),
        dimensions: options.dimensions,
        fetch: options.fetch,
      });
    case 'onnx':
      if (argument === '') break;
      return createOnnxEmbedder(argument);
  }
  throw new EmbedderError(
    'embedder_config',
    `unknown embedder "${spec}"; expected hash, openai, openai:<model> or onnx:<model folder>`,
  );
}
