export {
  type CreateEmbedderOptions,
  createEmbedder,
} from './create-embedder';
export type { Embedder } from './embedder';
export { EmbedderError, type EmbedderErrorCode } from './embedder-error';
export {
  createHashEmbedder,
  embedTextLexically,
  HASH_EMBEDDER_DEFAULT_THRESHOLD,
  HASH_EMBEDDER_DIMENSIONS,
} from './hash-embedder';
export { normalizeText, tokenizeText } from './normalize-text';
export { createOnnxEmbedder, ONNX_EMBEDDER_DEFAULT_THRESHOLD } from './onnx-embedder';
export {
  createOpenAIEmbedder,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_OPENAI_EMBEDDING_MODEL,
  OPENAI_EMBEDDER_DEFAULT_THRESHOLD,
  type OpenAIEmbedderOptions,
} from './openai-embedder';
