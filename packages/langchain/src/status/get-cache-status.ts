import { CACHE_STATUSES, CacheStatus, type CacheStatusValue } from '@cachecore/core';

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
  return toCacheStatus((metadata as Record<string, unknown>).cachecore);
}

/** Reads a cache status stored by the adapter, or `undefined` when `value` is none. */
export function toCacheStatus(value: unknown): CacheStatus | undefined {
  if (value instanceof CacheStatus) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, similarity, ageSeconds, namespaceHint } = value as Record<string, unknown>;
  if (typeof status !== 'string') return undefined;
  return new CacheStatus({
    status: (CACHE_STATUSES as readonly string[]).includes(status)
      ? (status as CacheStatusValue)
      : 'UNKNOWN',
    similarity: typeof similarity === 'number' ? similarity : null,
    ageSeconds: typeof ageSeconds === 'number' ? ageSeconds : null,
    namespaceHint: typeof namespaceHint === 'string' ? namespaceHint : null,
  });
}
