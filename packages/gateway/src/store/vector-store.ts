/**
 * The L2 side of a store: the vectors of the semantic cache, each tied to an L1 entry, and the
 * change feed that keeps in-process vector indexes in sync. Indexes, like entries, belong to one
 * tenant: the same index key under two tenants names two indexes.
 */
export interface VectorStore {
  /**
   * Stores the L2 vector of an existing entry (`record.entryKey` of `record.tenantId`). The vector
   * lives and dies with its entry. Emits a `vector-added` change. Ignored when the entry no longer
   * exists.
   */
  addVector(record: VectorRecord): Promise<void>;
  /**
   * Removes one vector by id; emits `vector-removed` when something was removed.
   * @param tenantId The tenant of the index.
   * @param indexKey The L2 index key (namespace + context key).
   * @param id The vector's id (the L1 key of its entry).
   */
  removeVector(tenantId: string, indexKey: string, id: string): Promise<boolean>;
  /**
   * Every vector of one L2 index of one tenant, used to load an in-process index.
   * @param tenantId The tenant of the index.
   * @param indexKey The L2 index key (namespace + context key).
   */
  listVectors(tenantId: string, indexKey: string): Promise<VectorRecord[]>;
  /**
   * Listens to L2 changes made through this store, by this process or (for shared stores) any other
   * gateway instance, so in-process vector indexes stay in sync. Returns the unsubscribe function.
   */
  subscribe(listener: (change: StoreChange) => void): () => void;
}

/** An L2 vector; `id` is the L1 key of the entry it points to. */
export interface VectorRecord {
  id: string;
  /**
   * The tenant of the vector's entry and index. Change notifications carry it, so other
   * instances' in-process indexes know whose index a vector belongs to.
   */
  tenantId: string;
  /** Namespace + context key: only requests with the same index key can match. */
  indexKey: string;
  entryKey: string;
  /** The prompt text that was embedded, for the guards. */
  text: string;
  vector: Float32Array;
  /**
   * When the vector's entry leaves the store (epoch ms on `Date.now()`'s clock, even for a store
   * given another clock), set by the store
   * on the records it lists and announces, so in-process indexes drop them even when the store
   * expires entries silently (Redis TTLs). Absent: no known expiry.
   */
  expiresAt?: number;
}

/**
 * A change of the L2 data that in-process indexes must mirror. `resync` says changes may have been
 * missed (a shared store's feed was interrupted): reload whatever is mirrored.
 */
export type StoreChange =
  | { type: 'vector-added'; record: VectorRecord }
  | { type: 'vector-removed'; tenantId: string; indexKey: string; id: string }
  | { type: 'resync' };
