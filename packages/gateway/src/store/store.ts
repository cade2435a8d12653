import type { CoordinationStore } from './coordination-store';
import type { EntryStore } from './entry-store';
import type { StoreMemory } from './memory-budget';
import type { StatisticsStore } from './statistics-store';
import type { VectorStore } from './vector-store';

export type { CoordinationStore, RateWindow } from './coordination-store';
export type {
  CacheEntry,
  DepTag,
  EntryLookup,
  EntryLookupResult,
  EntryStore,
} from './entry-store';
export type { MemoryReading, StoreMemory } from './memory-budget';
export {
  BYPASS_STATS_SCOPE,
  STAT_NAMES,
  type StatisticsStore,
  type StatName,
} from './statistics-store';
export type { StoreChange, VectorRecord, VectorStore } from './vector-store';

/**
 * The storage seam of the gateway. Everything shared between gateway instances lives behind this
 * interface, one part per concern: {@link EntryStore} (L1 entries, dep sets, dep hashes, tenant
 * flush and count), {@link VectorStore} (L2 vectors and their change feed),
 * {@link CoordinationStore} (rate-limit windows and single-flight locks) and
 * {@link StatisticsStore} (per-tenant counters). Code that needs one concern takes that part.
 *
 * Every method is async so that a networked store (Redis) can implement it; the in-memory store
 * answers synchronously behind promises. Implementations must pass `describeStoreContract` from
 * `test/support/store-contract.ts`.
 */
export interface Store extends EntryStore, VectorStore, CoordinationStore, StatisticsStore {
  /** Short name for logs and the startup banner, e.g. `memory` or `redis`. */
  readonly kind: string;

  /**
   * Optional, for stores that can fail (networked ones): listens to every failed call, including
   * failures the store absorbs itself, so the gateway can count them in its `store_errors` metric.
   * Returns the unsubscribe function.
   */
  subscribeErrors?(listener: (error: StoreFailure) => void): () => void;

  /**
   * Optional: what the store holds in this process and how much of the gateway's memory budget it
   * leaves to the L2 indexes. Without it the indexes get `DEFAULT_MAX_MEMORY_MB`.
   */
  readonly memory?: StoreMemory;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** A failed store call, as reported to {@link Store.subscribeErrors} listeners. */
export interface StoreFailure extends Error {
  /** The store method that failed, e.g. `getEntry`. */
  readonly operation: string;
  /** Machine-readable reason, e.g. `store_unavailable`. */
  readonly code: string;
}
