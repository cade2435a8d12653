/**
 * The L1 side of a store: cached completions, the dep sets that point at them, the current dep
 * hashes they are checked against, and per-tenant flush and count.
 *
 * Every entry belongs to one tenant and its key is looked up within that tenant: the same key
 * under another tenant is another entry. Calls name the tenant, so a store can keep everything of
 * one tenant together (on Redis Cluster: in one hash slot).
 */
export interface EntryStore {
  /**
   * The entry of `tenantId` under `key`, or `undefined` when absent or past its store TTL.
   * @param tenantId The tenant the entry was written for (`CacheEntry.tenantId`).
   * @param key The L1 key (`CacheEntry.key`).
   */
  getEntry(tenantId: string, key: string): Promise<CacheEntry | undefined>;
  /**
   * Writes (or replaces) an entry, kept for `ttlMs` milliseconds. Also records `key` in the dep set
   * of every dep in `entry.deps` and in the tenant's key set, so invalidation and flush find it.
   * Replacing an entry drops the vector of the previous version.
   */
  setEntry(entry: CacheEntry, ttlMs: number): Promise<void>;
  /**
   * Deletes the entry of `tenantId` under `key` together with its vector. Returns whether an entry
   * existed.
   * @param tenantId The tenant the entry was written for.
   * @param key The L1 key, as `takeDepKeys` hands it out.
   */
  deleteEntry(tenantId: string, key: string): Promise<boolean>;
  /** Number of live entries of one tenant. */
  countEntries(tenantId: string): Promise<number>;
  /** Deletes every entry (and vector) of one tenant; returns how many entries were deleted. */
  flushTenant(tenantId: string): Promise<number>;

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
   * The whole L1 lookup of a request in one step (one round trip on Redis): whether the deps the
   * request expects are current, and, when they are, the entry under `key` if it may answer the
   * request (not expired at `now`, every tag current, no request dep expecting another hash than
   * the entry's tag). A hit is counted at once in the tenant's statistics (`hits_l1` or
   * `hits_l1_stale`, plus `tokens_saved`), so the caller must not count it again.
   */
  lookupEntry(lookup: EntryLookup): Promise<EntryLookupResult>;
}

/** What {@link EntryStore.lookupEntry} looks up. */
export interface EntryLookup {
  /** The L1 key. */
  key: string;
  tenantId: string;
  /** The deps the request expects (its header deps and `cc:policy-version`). */
  deps: readonly DepTag[];
  /** Now on the gateway's clock (epoch ms): decides between fresh, stale and expired. */
  now: number;
}

/** The answer of {@link EntryStore.lookupEntry}. */
export interface EntryLookupResult {
  /**
   * Whether every dep the request expects has that hash as its current one (or was never
   * invalidated). When false, nothing was looked up: the answer must not be cached either.
   */
  depsCurrent: boolean;
  /** The entry to serve, already counted: `fresh` is a `HIT_L1`, `stale` a `HIT_L1_STALE`. */
  hit?: { entry: CacheEntry; freshness: 'fresh' | 'stale' };
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
