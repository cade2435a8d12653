import { CacheStatus, type CacheStatusValue } from '@cachecore/core';

/**
 * The cache outcome of one model call, as found in `providerMetadata.cachecore` of a
 * `generateText` result, a step, a `streamText` result and its `finish-step` part. Plain JSON, so it
 * survives serialisation (UI message streams, logs, telemetry).
 */
export type CachecoreMetadata = {
  /** `'HIT_L1' | 'HIT_L1_STALE' | 'HIT_L2' | 'MISS' | 'BYPASS' | 'UNKNOWN'` (`UNKNOWN`: not a Cachecore gateway). */
  status: CacheStatusValue;
  /** Whether the answer came from the cache (any `HIT_*`). */
  isHit: boolean;
  /** Similarity in `[0, 1]` of the served entry: 1 on L1 hits, the cosine similarity on L2 hits. */
  similarity: number | null;
  /** Seconds since the served entry was written; 0 on a miss. */
  ageSeconds: number | null;
  /** First 12 hex chars of the namespace hash, when the gateway runs with debug headers. */
  namespaceHint: string | null;
};

/** Reads the gateway's `X-Cache*` response headers into JSON metadata. Never throws. */
export function readCachecoreMetadata(
  headers: Record<string, string | undefined> | undefined,
): CachecoreMetadata {
  return CacheStatus.fromHeaders(headers ?? {}).toJSON();
}

/**
 * The Cachecore metadata of a result, a step or a stream part, typed; `undefined` when the model
 * did not go through the Cachecore middleware.
 *
 * @example
 * ```ts
 * const result = await generateText({ model: cachecore('gpt-4o-mini'), prompt: 'Hi' });
 * getCachecoreMetadata(result.providerMetadata)?.status; // 'MISS', then 'HIT_L1'
 * ```
 */
export function getCachecoreMetadata(
  providerMetadata: Record<string, unknown> | undefined,
): CachecoreMetadata | undefined {
  const metadata = providerMetadata?.cachecore;
  if (typeof metadata !== 'object' || metadata === null || !('status' in metadata))
    return undefined;
  return metadata as CachecoreMetadata;
}
