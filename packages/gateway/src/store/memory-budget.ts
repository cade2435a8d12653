/**
 * How much memory something holds in the gateway process, for the `/metrics` gauges
 * (`cachecore_gateway_memory_*{holder}`) and for tests that check a budget holds.
 */
export interface MemoryReading {
  /** Who holds it: `store` (the memory store's entries and dep hashes) or `registry` (L2 indexes). */
  holder: string;
  /** The bytes it may hold; it evicts beyond them. */
  budgetBytes: number;
  /** Estimated bytes held, by part (e.g. `entries`, `dep_hashes`, `l2_indexes`). */
  bytes: Record<string, number>;
  /** How many things it holds, by kind (e.g. `entries`, `vectors`, `dep_hashes`, `l2_records`). */
  items: Record<string, number>;
}

/** What a store keeps in the gateway process, and what it leaves of the budget to the L2 indexes. */
export interface StoreMemory {
  /**
   * Bytes of the gateway's `maxMemoryMb` left to the in-process L2 indexes built over this store
   * (the `SemanticIndexRegistry` takes its budget from here).
   */
  readonly indexBudgetBytes: number;
  /** What the store holds in this process right now. */
  read(): MemoryReading;
}

/** The gateway's default `maxMemoryMb`. */
export const DEFAULT_MAX_MEMORY_MB = 256;

/**
 * Share of the budget that a store holding entries in the process (the memory store) keeps for its
 * entries, vectors and dep hashes; the rest goes to the L2 indexes. A store that keeps its entries
 * elsewhere (Redis) leaves the whole budget to the indexes. Entries weigh more than their index
 * records (a completion body plus the vector, against the vector and graph links again), and a
 * lookup only needs the indexes of recently used contexts, hence three quarters.
 */
export const STORE_SHARE_OF_BUDGET = 0.75;

/** The byte budgets of a store and of the L2 indexes built over it, from `maxMemoryMb`. */
export function splitMemoryBudget(
  maxMemoryMb: number | undefined,
  storeHoldsEntries: boolean,
): { storeBytes: number; indexBytes: number } {
  const totalBytes = Math.max(1, maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB) * 1024 * 1024;
  const storeBytes = storeHoldsEntries ? Math.floor(totalBytes * STORE_SHARE_OF_BUDGET) : 0;
  return { storeBytes, indexBytes: totalBytes - storeBytes };
}
