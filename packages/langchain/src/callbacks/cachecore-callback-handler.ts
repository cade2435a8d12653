import type { CacheStatus } from '@cachecore/core';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { getCacheStatus, toCacheStatus } from '../status/get-cache-status';

/** One model run's cache status, as passed to `onCacheStatus`. */
export interface CacheStatusEvent {
  /** The cache status the gateway reported for the run's request. */
  status: CacheStatus;
  /** LangChain run id of the model call. */
  runId: string;
  /** Run id of the chain or agent step that called the model, if any. */
  parentRunId: string | undefined;
  /** Tags of the run. */
  tags: string[];
  /** Metadata of the run (from `handleChatModelStart`), including LangChain's `ls_*` keys. */
  metadata: Record<string, unknown>;
  /** The run name, when one was given. */
  runName: string | undefined;
}

/** Cache statistics aggregated by a {@link CachecoreCallbackHandler}. */
export interface CachecoreCacheStats {
  /** Model runs that reported a cache status. */
  requests: number;
  /** Runs answered from the exact-match cache while fresh. */
  hitsL1: number;
  /** Runs answered from the exact-match cache in the stale window. */
  hitsL1Stale: number;
  /** Runs answered from the semantic cache. */
  hitsL2: number;
  /** Runs the gateway sent upstream and cached. */
  misses: number;
  /** Runs that skipped the cache. */
  bypass: number;
  /** `(hitsL1 + hitsL1Stale + hitsL2) / requests`, `0` before the first request. */
  hitRate: number;
}

/** Options of {@link CachecoreCallbackHandler}. */
export interface CachecoreCallbackHandlerOptions {
  /** Called once per model run that reports a cache status, when the run ends. */
  onCacheStatus?: (event: CacheStatusEvent) => void;
  /**
   * Run the handler before the model call returns, so `stats` is current right after `await`.
   * `false` lets LangChain run it in the background (see `awaitAllCallbacks()`).
   * @default true
   */
  awaitHandlers?: boolean;
}

interface RunStart {
  metadata: Record<string, unknown>;
  runName: string | undefined;
}

/**
 * A LangChain callback handler that reads the cache status `CachecoreChatOpenAI` reports for every
 * model run, calls `onCacheStatus` and keeps running totals in `stats`. It correlates start and end
 * of a run by LangChain run id, so it is correct for concurrent and background runs. Runs of other
 * models (no cache status) and answers from LangChain's own model cache are not counted.
 *
 * @example
 * ```ts
 * const handler = new CachecoreCallbackHandler({
 *   onCacheStatus: ({ status, runId }) => console.log(runId, status.status),
 * });
 * await chain.invoke(input, { callbacks: [handler] });
 * console.log(handler.stats); // { requests: 1, hitsL1: 0, …, misses: 1, hitRate: 0 }
 * ```
 */
export class CachecoreCallbackHandler extends BaseCallbackHandler {
  /** The handler's name, as LangChain reports it. */
  name = 'CachecoreCallbackHandler';

  readonly #onCacheStatus: ((event: CacheStatusEvent) => void) | undefined;
  readonly #runs = new Map<string, RunStart>();
  #counts = { requests: 0, hitsL1: 0, hitsL1Stale: 0, hitsL2: 0, misses: 0, bypass: 0 };

  constructor(options: CachecoreCallbackHandlerOptions = {}) {
    super({ _awaitHandler: options.awaitHandlers ?? true });
    this.#onCacheStatus = options.onCacheStatus;
  }

  /** Totals over every run this handler has seen (a fresh object on each read). */
  get stats(): CachecoreCacheStats {
    const { hitsL1, hitsL1Stale, hitsL2, requests } = this.#counts;
    return {
      ...this.#counts,
      hitRate: requests === 0 ? 0 : (hitsL1 + hitsL1Stale + hitsL2) / requests,
    };
  }

  /**
   * Returns this same handler: LangChain's default copy would start from empty statistics and
   * without `onCacheStatus`, and the counts are meant to add up across everything it is given to.
   */
  override copy(): this {
    return this;
  }

  /** Sets every counter back to zero. */
  resetStats(): void {
    this.#counts = { requests: 0, hitsL1: 0, hitsL1Stale: 0, hitsL2: 0, misses: 0, bypass: 0 };
  }

  /** @ignore */
  override handleChatModelStart(
    _llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#runs.set(runId, { metadata: metadata ?? {}, runName });
  }

  /** @ignore */
  override handleLLMEnd(
    output: LLMResult,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    const start = this.#runs.get(runId);
    this.#runs.delete(runId);
    // LangChain's own model cache replays an earlier answer: no request reached the gateway.
    if (extraParams?.cached === true) return;
    const status = readCacheStatus(output);
    if (status === undefined) return;
    this.#count(status);
    this.#onCacheStatus?.({
      status,
      runId,
      parentRunId,
      tags: tags ?? [],
      metadata: start?.metadata ?? {},
      runName: start?.runName,
    });
  }

  /** @ignore */
  override handleLLMError(_error: unknown, runId: string): void {
    this.#runs.delete(runId);
  }

  #count(status: CacheStatus): void {
    const counts = this.#counts;
    counts.requests += 1;
    if (status.status === 'HIT_L1') counts.hitsL1 += 1;
    else if (status.status === 'HIT_L1_STALE') counts.hitsL1Stale += 1;
    else if (status.status === 'HIT_L2') counts.hitsL2 += 1;
    else if (status.status === 'MISS') counts.misses += 1;
    else if (status.status === 'BYPASS') counts.bypass += 1;
  }
}

// `CachecoreChatOpenAI` puts the status in `llmOutput.cachecore` for generated runs and in the
// message's `response_metadata.cachecore` for every run (streamed runs only have the latter).
function readCacheStatus(output: LLMResult): CacheStatus | undefined {
  const fromOutput = toCacheStatus(
    (output.llmOutput as Record<string, unknown> | undefined)?.cachecore,
  );
  if (fromOutput !== undefined) return fromOutput;
  for (const generations of output.generations) {
    for (const generation of generations) {
      const status = getCacheStatus((generation as { message?: BaseMessage }).message);
      if (status !== undefined) return status;
    }
  }
  return undefined;
}
