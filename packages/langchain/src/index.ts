// The public API of @cachecore/langchain. Everything exported here is documented on its declaration.

// What a caller needs at the call site, so one import is enough.
export {
  CachecoreAuthError,
  CachecoreClient,
  CachecoreError,
  CachecoreRateLimitError,
  CacheStatus,
  Dep,
  PLACEHOLDER_API_KEY,
} from '@cachecore/core';
export {
  type CachecoreCacheStats,
  CachecoreCallbackHandler,
  type CachecoreCallbackHandlerOptions,
  type CacheStatusEvent,
} from './callbacks/cachecore-callback-handler';
export type { CachecoreCallSettings } from './chat-model/cachecore-call';
export { CachecoreChatOpenAI } from './chat-model/cachecore-chat-openai';
export type {
  CachecoreChatOpenAICallOptions,
  CachecoreChatOpenAIFields,
  CachecoreChatOpenAIModelFields,
  CachecoreClientFields,
  CachecoreGatewayFields,
} from './chat-model/cachecore-chat-openai-fields';
export {
  CachecoreOpenAIEmbeddings,
  type CachecoreOpenAIEmbeddingsFields,
  type CachecoreOpenAIEmbeddingsModelFields,
} from './embeddings/cachecore-openai-embeddings';
export { getCacheStatus, type WithResponseMetadata } from './status/get-cache-status';
