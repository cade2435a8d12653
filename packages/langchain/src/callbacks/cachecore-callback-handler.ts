import { type CacheStats, CacheStatsCounter, CacheStatus } from '@cachecore/core';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { getCacheStatus } from '../status/get-cache-status';

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

/**
 * Cache statistics aggregated by a {@link CachecoreCallbackHandler}: model runs that reported a
 * status (`requests`), hits per cache layer, misses, bypasses and the hit rate (core's `CacheStats`).
 */
export type CachecoreCacheStats = CacheStats;

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
  readonly #counter = new CacheStatsCounter();

  constructor(options: CachecoreCallbackHandlerOptions = {}) {
    super({ _awaitHandler: options.awaitHandlers ?? true });
    this.#onCacheStatus = options.onCacheStatus;
  }

  /** Totals over every run this handler has seen (a fresh object on each read). */
  get stats(): CachecoreCacheStats {
    return this.#counter.stats;
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
    this.#counter.reset();
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
    this.#counter.record(status);
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
}

// `CachecoreChatOpenAI` puts the status in `llmOutput.cachecore` for generated runs and in the
// message's `response_metadata.cachecore` for every run (streamed runs only have the latter).
function readCacheStatus(output: LLMResult): CacheStatus | undefined {
  const fromOutput = CacheStatus.fromJSON(
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
