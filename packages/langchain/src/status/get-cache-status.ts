import { CacheStatus } from '@cachecore/core';

/** Anything that carries LangChain response metadata: an `AIMessage`, an `AIMessageChunk`, … */
export interface WithResponseMetadata {
  response_metadata?: unknown;
}

/**
 * The cache status `CachecoreChatOpenAI` recorded on a message (`response_metadata.cachecore`),
 * typed, or `undefined` for messages from other models. Also accepts a status that was turned into
 * a plain object on the way (a message restored from a checkpoint, another copy of the package).
 *
 * @example
 * ```ts
 * const message = await llm.invoke('What time zone is Tokyo in?');
 * if (getCacheStatus(message)?.isHit) console.log('answered from the cache');
 * ```
 */
export function getCacheStatus(message: WithResponseMetadata | undefined): CacheStatus | undefined {
  const metadata = message?.response_metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  return CacheStatus.fromJSON((metadata as Record<string, unknown>).cachecore);
}
