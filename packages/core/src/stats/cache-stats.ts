import type { CacheStatus, CacheStatusValue } from '../status/cache-status';

/** Cache statistics over a number of gateway responses, as kept by a {@link CacheStatsCounter}. */
export interface CacheStats {
  /** Responses counted (every status, `UNKNOWN` included). */
  requests: number;
  /** Answered from the exact-match cache while fresh (`HIT_L1`). */
  hitsL1: number;
  /** Answered from the exact-match cache in the stale window (`HIT_L1_STALE`). */
  hitsL1Stale: number;
  /** Answered from the semantic cache (`HIT_L2`). */
  hitsL2: number;
  /** Sent upstream and cached (`MISS`). */
  misses: number;
  /** Skipped the cache (`BYPASS`). */
  bypass: number;
  /** Share of `requests` answered from the cache (any hit), `0` before the first response. */
  hitRate: number;
}

type CacheCounts = Omit<CacheStats, 'hitRate'>;

// Which counter each status adds to; `UNKNOWN` (not a Cachecore answer) only counts as a request.
const counterByStatus: Partial<Record<CacheStatusValue, keyof CacheCounts>> = {
  HIT_L1: 'hitsL1',
  HIT_L1_STALE: 'hitsL1Stale',
  HIT_L2: 'hitsL2',
  MISS: 'misses',
  BYPASS: 'bypass',
};

const emptyCounts = (): CacheCounts => ({
  requests: 0,
  hitsL1: 0,
  hitsL1Stale: 0,
  hitsL2: 0,
  misses: 0,
  bypass: 0,
});

/**
 * Running totals of cache statuses: feed it every status (from `onCacheStatus`, an adapter's
 * callback, …) and read `stats`. Whether a status is a hit is the status's own `isHit`.
 *
 * @example
 * ```ts
 * const counter = new CacheStatsCounter();
 * const cc = new CachecoreClient({ gatewayUrl, tenantJwt, onCacheStatus: (status) => counter.record(status) });
 * // … requests …
 * console.log(counter.stats.hitRate);
 * ```
 */
export class CacheStatsCounter {
  #counts = emptyCounts();
  #hits = 0;

  /** Counts one response's cache status. */
  record(status: CacheStatus): void {
    this.#counts.requests += 1;
    const counter = counterByStatus[status.status];
    if (counter !== undefined) this.#counts[counter] += 1;
    if (status.isHit) this.#hits += 1;
  }

  /** The totals so far (a fresh object on each read). */
  get stats(): CacheStats {
    const { requests } = this.#counts;
    return { ...this.#counts, hitRate: requests === 0 ? 0 : this.#hits / requests };
  }

  /** Sets every total back to zero. */
  reset(): void {
    this.#counts = emptyCounts();
    this.#hits = 0;
  }
}
