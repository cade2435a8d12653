/**
 * The storage seam of the gateway. Everything shared between gateway instances lives behind this
 * interface: cached completions (L1), the vectors of the semantic cache (L2), the dependency index,
 * current dependency hashes, rate-limit windows, single-flight locks and statistics.
 *
 * Every method is async so that a networked store (Redis) can implement it; the in-memory store
 * answers synchronously behind promises. Implementations must pass `describeStoreContract` from
 * `test/support/store-contract.ts`.
 */
export interface Store {
  /** Short name for logs and the startup banner, e.g. `memory` or `redis`. */
  readonly kind: string;

  /** The entry under `key`, or `undefined` when absent or past its store TTL. */
  getEntry(key: string): Promise<CacheEntry | undefined>;
  /**
   * Writes (or replaces) an entry, kept for `ttlMs` milliseconds. Also records `key` in the dep set
   * of every dep in `entry.deps` and in the tenant's key set, so invalidation and flush find it.
   * Replacing an entry drops the vector of the previous version.
   */
  setEntry(entry: CacheEntry, ttlMs: number): Promise<void>;
  /** Deletes an entry together with its vector. Returns whether an entry existed. */
  deleteEntry(key: string): Promise<boolean>;
  /** Number of live entries of one tenant. */
  countEntries(tenantId: string): Promise<number>;
  /** Deletes every entry (and vector) of one tenant; returns how many entries were deleted. */
  flushTenant(tenantId: string): Promise<number>;

  /**
   * Stores the L2 vector of an existing entry (`record.entryKey`). The vector lives and dies with
   * its entry. Emits a `vector-added` change. Ignored when the entry no longer exists.
   */
  addVector(record: VectorRecord): Promise<void>;
  /** Removes one vector by id; emits `vector-removed` when something was removed. */
  removeVector(indexKey: string, id: string): Promise<boolean>;
  /** Every vector of one L2 index (namespace + context key), used to load an in-process index. */
  listVectors(indexKey: string): Promise<VectorRecord[]>;
  /**
   * Listens to L2 changes made through this store, by this process or (for shared stores) any other
   * gateway instance, so in-process vector indexes stay in sync. Returns the unsubscribe function.
   */
  subscribe(listener: (change: StoreChange) => void): () => void;

  /**
   * Removes and returns every entry key tagged with `depId` for `tenantId` (the dep set is emptied).
   * The entries themselves are not deleted: the caller deletes them.
   */
  takeDepKeys(tenantId: string, depId: string): Promise<string[]>;
  /** Current hashes of several deps of one tenant, `undefined` for a dep never invalidated. */
  getDepHashes(tenantId: string, depIds: readonly string[]): Promise<(string | undefined)[]>;
  /** Records the current hash of a dep (what `/v1/invalidate` does first). */
  setDepHash(tenantId: string, depId: string, hash: string): Promise<void>;

  /**
   * Counts one event in the fixed window of `windowMs` that contains now. Returns the count so far
   * in this window (including this one) and when the window resets (epoch ms).
   */
  incrementWindow(key: string, windowMs: number): Promise<RateWindow>;

  /**
   * Tries to take an exclusive lock that expires by itself after `ttlMs` (so a crashed holder does
   * not block others forever). Returns an owner token when taken, `null` when someone holds it.
   */
  acquireLock(key: string, ttlMs: number): Promise<string | null>;
  /** Releases a lock if `owner` still holds it. */
  releaseLock(key: string, owner: string): Promise<void>;

  /** Adds `by` to a statistics counter of a tenant (`bypass` traffic uses the scope `*bypass`). */
  incrementStat(scope: string, stat: StatName, by?: number): Promise<void>;
  /** Every counter, by scope. */
  readStats(): Promise<Record<string, Partial<Record<StatName, number>>>>;

  /**
   * Optional, for stores that can fail (networked ones): listens to every failed call, including
   * failures the store absorbs itself, so the gateway can count them in its `store_errors` metric.
   * Returns the unsubscribe function.
   */
  subscribeErrors?(listener: (error: StoreFailure) => void): () => void;

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

/** One dependency tag: the entry is valid only while the dep's current hash equals `expectedHash`. */
export interface DepTag {
  depId: string;
  expectedHash: string;
}

/** A cached completion as stored in L1. */
export interface CacheEntry {
  /** The L1 key: namespace + SHA-256 of the canonical body. */
  key: string;
  tenantId: string;
  namespace: string;
  model: string;
  /** The completion as a JSON `chat.completion` object, serialised. */
  body: string;
  /** When the completion was written (epoch ms). */
  createdAt: number;
  /** Until when it is served as `HIT_L1` (epoch ms). */
  freshUntil: number;
  /** Until when it is served at all; between `freshUntil` and this, `HIT_L1_STALE` (epoch ms). */
  expiresAt: number;
  /** The deps (including `cc:policy-version`) with the hashes the writing request expected. */
  deps: DepTag[];
  /** Tokens the completion cost upstream, counted as saved on every hit. */
  totalTokens: number;
  /** The L2 index the entry's vector belongs to, when it has one. */
  indexKey?: string;
}

/** An L2 vector; `id` is the L1 key of the entry it points to. */
export interface VectorRecord {
  id: string;
  /** Namespace + context key: only requests with the same index key can match. */
  indexKey: string;
  entryKey: string;
  /** The prompt text that was embedded, for the guards. */
  text: string;
  vector: Float32Array;
}

/** A change of the L2 data that in-process indexes must mirror. */
export type StoreChange =
  | { type: 'vector-added'; record: VectorRecord }
  | { type: 'vector-removed'; indexKey: string; id: string };

/** State of one rate-limit window. */
export interface RateWindow {
  count: number;
  /** When the window resets (epoch ms). */
  resetAt: number;
}

/** The statistics a gateway keeps per tenant. */
export type StatName =
  | 'hits_l1'
  | 'hits_l1_stale'
  | 'hits_l2'
  | 'misses'
  | 'bypass'
  | 'tokens_saved'
  | 'upstream_errors';

/** All statistic names, in display order. */
export const STAT_NAMES: readonly StatName[] = [
  'hits_l1',
  'hits_l1_stale',
  'hits_l2',
  'misses',
  'bypass',
  'tokens_saved',
  'upstream_errors',
];

/** The scope under which bypass traffic (no tenant) is counted. */
export const BYPASS_STATS_SCOPE = '*bypass';
