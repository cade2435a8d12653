import { classifyServableEntry } from './entry-servability';
import { createMemoryCoordinationStore } from './memory/memory-coordination-store';
import { createMemoryStatisticsStore } from './memory/memory-statistics-store';
import { type MemoryReading, splitMemoryBudget } from './memory-budget';
import type { CacheEntry, Store, StoreChange, VectorRecord } from './store';
import { tenantScopedKey } from './tenant-scoped-key';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The gateway's memory budget in MiB, shared with the in-process L2 indexes: three quarters for
   * this store's entries, their vectors and the dep hashes (least recently used entries are
   * evicted beyond it, then the oldest dep hashes, each with the entries tagged with it), one
   * quarter for the L2 indexes (`SemanticIndexRegistry`).
   * @default 256
   */
  maxMemoryMb?: number;
  /** Clock in epoch ms; injectable so tests can move time. @default Date.now */
  now?: () => number;
}

interface StoredEntry {
  entry: CacheEntry;
  storeExpiresAt: number;
  bytes: number;
  vector?: VectorRecord;
  /** Its key in `entries` (tenant-scoped). */
  slot: string;
  /** The LRU clock when the entry last moved to the young end of the list. */
  movedAt: number;
}

/** The current hash of one dep of one tenant, kept until no entry tagged with the dep can remain. */
interface DepRecord {
  tenantId: string;
  depId: string;
  hash: string;
  expiresAt: number;
  bytes: number;
}

/** Everything kept per tenant, in nested maps: no joined key can make two tenants' data meet. */
interface TenantData {
  keys: Set<string>;
  depKeys: Map<string, Set<string>>;
  depRecords: Map<string, DepRecord>;
}

/** Rough fixed cost of one entry's bookkeeping (maps, object headers), in bytes. */
const ENTRY_OVERHEAD_BYTES = 512;
/** Rough fixed cost of one dep record (its object, map slots, insertion-order slot), in bytes. */
const DEP_RECORD_OVERHEAD_BYTES = 160;
/**
 * Shortest lifetime of a dep hash: a request that read the old hash before the invalidation may
 * still write its answer (tagged with the old hash) up to an upstream timeout later, and that
 * answer must meet the new hash, not an empty slot that would accept any hash.
 */
const MIN_DEP_RECORD_TTL_MS = 10 * 60_000;
/** Writes between two sweeps of expired entries and dep records. */
const WRITES_PER_SWEEP = 1000;

/**
 * The default store: everything in this process, within a byte budget with LRU eviction.
 *
 * @example
 * const store = createMemoryStore({ maxMemoryMb: 64 });
 * const gateway = await startGateway({ upstream: 'mock', jwtSecret, store });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const budget = splitMemoryBudget(options.maxMemoryMb, true);
  const maxBytes = budget.storeBytes;
  // Map iteration order is insertion order: re-inserting on read makes it an LRU list. Entries of
  // every tenant share it, each under its tenant-scoped key.
  const entries = new Map<string, StoredEntry>();
  // Counts moves to the young end of `entries` (insertions and touches), for `touch`.
  let lruClock = 0;
  const tenants = new Map<string, TenantData>();
  // Dep records oldest first (a record is re-inserted when its hash changes).
  const depRecords = new Set<DepRecord>();
  // Vectors by tenant-scoped index key, then by id.
  const vectorsByIndex = new Map<string, Map<string, VectorRecord>>();
  const listeners = new Set<(change: StoreChange) => void>();
  let entryBytes = 0;
  let depRecordBytes = 0;
  let vectorCount = 0;
  let longestEntryTtlMs = 0;
  let writesSinceSweep = 0;

  function emit(change: StoreChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A faulty listener must not break the store for the others.
      }
    }
  }

  function tenant(tenantId: string): TenantData {
    let data = tenants.get(tenantId);
    if (!data) {
      data = { keys: new Set(), depKeys: new Map(), depRecords: new Map() };
      tenants.set(tenantId, data);
    }
    return data;
  }

  function forgetTenantIfEmpty(tenantId: string, data: TenantData): void {
    if (data.keys.size === 0 && data.depKeys.size === 0 && data.depRecords.size === 0) {
      tenants.delete(tenantId);
    }
  }

  function detachVector(stored: StoredEntry): void {
    const record = stored.vector;
    if (!record) return;
    stored.vector = undefined;
    vectorCount -= 1;
    entryBytes -= vectorBytes(record);
    stored.bytes -= vectorBytes(record);
    const indexSlot = tenantScopedKey(record.tenantId, record.indexKey);
    const index = vectorsByIndex.get(indexSlot);
    if (index?.delete(record.id)) {
      if (index.size === 0) vectorsByIndex.delete(indexSlot);
      emit({
        type: 'vector-removed',
        tenantId: record.tenantId,
        indexKey: record.indexKey,
        id: record.id,
      });
    }
  }

  function removeStored(tenantId: string, key: string): boolean {
    const slot = tenantScopedKey(tenantId, key);
    const stored = entries.get(slot);
    if (!stored) return false;
    detachVector(stored);
    entries.delete(slot);
    entryBytes -= stored.bytes;
    const data = tenants.get(tenantId);
    if (data) {
      data.keys.delete(key);
      for (const dep of stored.entry.deps) {
        const set = data.depKeys.get(dep.depId);
        set?.delete(key);
        if (set?.size === 0) data.depKeys.delete(dep.depId);
      }
      forgetTenantIfEmpty(tenantId, data);
    }
    return true;
  }

  /** Drops a dep record, first deleting every entry tagged with the dep (none may outlive it). */
  function removeDepRecord(record: DepRecord): void {
    const data = tenants.get(record.tenantId);
    for (const key of [...(data?.depKeys.get(record.depId) ?? [])]) {
      removeStored(record.tenantId, key);
    }
    depRecords.delete(record);
    depRecordBytes -= record.bytes;
    if (!data) return;
    data.depRecords.delete(record.depId);
    forgetTenantIfEmpty(record.tenantId, data);
  }

  function evictToBound(): void {
    for (const { entry } of entries.values()) {
      if (entryBytes + depRecordBytes <= maxBytes) return;
      removeStored(entry.tenantId, entry.key);
    }
    for (const record of depRecords) {
      if (entryBytes + depRecordBytes <= maxBytes) return;
      removeDepRecord(record);
    }
  }

  function countWriteAndSweep(): void {
    writesSinceSweep += 1;
    if (writesSinceSweep < WRITES_PER_SWEEP) return;
    writesSinceSweep = 0;
    const current = now();
    for (const stored of entries.values()) {
      if (stored.storeExpiresAt <= current) removeStored(stored.entry.tenantId, stored.entry.key);
    }
    for (const record of depRecords) {
      if (record.expiresAt <= current) removeDepRecord(record);
    }
  }

  function liveStored(tenantId: string, key: string): StoredEntry | undefined {
    const stored = entries.get(tenantScopedKey(tenantId, key));
    if (!stored) return undefined;
    if (stored.storeExpiresAt <= now()) {
      removeStored(tenantId, key);
      return undefined;
    }
    return stored;
  }

  /**
   * Makes an entry the most recently used. One that moved to the young end fewer than half the
   * list's length of moves ago is still in the younger half, behind every entry eviction takes
   * first, so it stays where it is: a hot entry is not re-inserted on every hit.
   */
  function touch(stored: StoredEntry): void {
    if (lruClock - stored.movedAt < entries.size / 2) return;
    entries.delete(stored.slot);
    entries.set(stored.slot, stored);
    stored.movedAt = ++lruClock;
  }

  function liveDepRecord(tenantId: string, depId: string): DepRecord | undefined {
    const record = tenants.get(tenantId)?.depRecords.get(depId);
    if (!record) return undefined;
    if (record.expiresAt <= now()) {
      removeDepRecord(record);
      return undefined;
    }
    return record;
  }

  const statistics = createMemoryStatisticsStore();
  const currentHash = (tenantId: string) => (depId: string) => liveDepRecord(tenantId, depId)?.hash;

  return {
    kind: 'memory',
    ...createMemoryCoordinationStore(now),
    ...statistics,

    memory: {
      indexBudgetBytes: budget.indexBytes,
      read(): MemoryReading {
        return {
          holder: 'store',
          budgetBytes: maxBytes,
          bytes: { entries: entryBytes, dep_hashes: depRecordBytes },
          items: { entries: entries.size, vectors: vectorCount, dep_hashes: depRecords.size },
        };
      },
    },

    async getEntry(tenantId, key) {
      const stored = liveStored(tenantId, key);
      if (!stored) return undefined;
      touch(stored);
      return stored.entry;
    },

    async setEntry(entry, ttlMs) {
      removeStored(entry.tenantId, entry.key);
      const ttl = Math.max(0, ttlMs);
      const storeExpiresAt = now() + ttl;
      longestEntryTtlMs = Math.max(longestEntryTtlMs, ttl);
      const bytes = estimateEntryBytes(entry);
      const slot = tenantScopedKey(entry.tenantId, entry.key);
      entries.set(slot, { entry, storeExpiresAt, bytes, slot, movedAt: ++lruClock });
      entryBytes += bytes;
      const data = tenant(entry.tenantId);
      data.keys.add(entry.key);
      for (const dep of entry.deps) {
        let set = data.depKeys.get(dep.depId);
        if (!set) {
          set = new Set();
          data.depKeys.set(dep.depId, set);
        }
        set.add(entry.key);
        // The dep's current hash must outlive every entry tagged with the dep: were it to expire
        // first, an entry written with an older hash would be served as if never invalidated.
        const record = data.depRecords.get(dep.depId);
        if (record && record.expiresAt < storeExpiresAt) record.expiresAt = storeExpiresAt;
      }
      countWriteAndSweep();
      evictToBound();
    },

    async deleteEntry(tenantId, key) {
      return removeStored(tenantId, key);
    },

    async countEntries(tenantId) {
      const keys = tenants.get(tenantId)?.keys;
      if (!keys) return 0;
      let count = 0;
      for (const key of [...keys]) if (liveStored(tenantId, key)) count += 1;
      return count;
    },

    async flushTenant(tenantId) {
      const keys = [...(tenants.get(tenantId)?.keys ?? [])];
      let deleted = 0;
      for (const key of keys) if (removeStored(tenantId, key)) deleted += 1;
      return deleted;
    },

    async addVector(record) {
      const stored = liveStored(record.tenantId, record.entryKey);
      if (!stored) return;
      detachVector(stored);
      // Records tell their expiry on the real clock (as Redis' do), whatever clock the store runs on.
      const expiresAt = Date.now() + (stored.storeExpiresAt - now());
      const kept: VectorRecord = { ...record, expiresAt };
      stored.vector = kept;
      vectorCount += 1;
      stored.bytes += vectorBytes(kept);
      entryBytes += vectorBytes(kept);
      const indexSlot = tenantScopedKey(kept.tenantId, kept.indexKey);
      let index = vectorsByIndex.get(indexSlot);
      if (!index) {
        index = new Map();
        vectorsByIndex.set(indexSlot, index);
      }
      index.set(kept.id, kept);
      emit({ type: 'vector-added', record: kept });
      evictToBound();
    },

    async removeVector(tenantId, indexKey, id) {
      const index = vectorsByIndex.get(tenantScopedKey(tenantId, indexKey));
      const record = index?.get(id);
      if (!record) return false;
      const stored = entries.get(tenantScopedKey(tenantId, record.entryKey));
      if (stored?.vector === record) {
        detachVector(stored);
        return true;
      }
      index?.delete(id);
      emit({ type: 'vector-removed', tenantId, indexKey, id });
      return true;
    },

    async listVectors(tenantId, indexKey) {
      const index = vectorsByIndex.get(tenantScopedKey(tenantId, indexKey));
      if (!index) return [];
      return [...index.values()].filter(
        (record) => liveStored(tenantId, record.entryKey) !== undefined,
      );
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async takeDepKeys(tenantId, depId) {
      const data = tenants.get(tenantId);
      const keys = [...(data?.depKeys.get(depId) ?? [])];
      if (data) {
        data.depKeys.delete(depId);
        forgetTenantIfEmpty(tenantId, data);
      }
      return keys;
    },

    async getDepHashes(tenantId, depIds) {
      return depIds.map(currentHash(tenantId));
    },

    async lookupEntry({ key, tenantId, deps, now: at }) {
      const hashOf = currentHash(tenantId);
      const depsCurrent = deps.every((dep) => {
        const current = hashOf(dep.depId);
        return current === undefined || current === dep.expectedHash;
      });
      const stored = depsCurrent ? liveStored(tenantId, key) : undefined;
      if (!stored) return { depsCurrent };
      const freshness = classifyServableEntry(stored.entry, deps, at, hashOf);
      if (!freshness) return { depsCurrent };
      touch(stored);
      const { entry } = stored;
      // Counted synchronously (the memory counters never wait); not awaiting spares a hit two
      // promise turns.
      void statistics.incrementStat(tenantId, freshness === 'fresh' ? 'hits_l1' : 'hits_l1_stale');
      void statistics.incrementStat(tenantId, 'tokens_saved', entry.totalTokens);
      return { depsCurrent, hit: { entry, freshness } };
    },

    async setDepHash(tenantId, depId, hash) {
      const data = tenant(tenantId);
      const previous = data.depRecords.get(depId);
      if (previous) {
        depRecords.delete(previous);
        depRecordBytes -= previous.bytes;
      }
      // Lives as long as the longest entry could, and at least as long as the entries tagged now.
      let expiresAt = Math.max(
        previous?.expiresAt ?? 0,
        now() + Math.max(longestEntryTtlMs, MIN_DEP_RECORD_TTL_MS),
      );
      for (const key of data.depKeys.get(depId) ?? []) {
        const stored = entries.get(tenantScopedKey(tenantId, key));
        if (stored && stored.storeExpiresAt > expiresAt) expiresAt = stored.storeExpiresAt;
      }
      const record: DepRecord = {
        tenantId,
        depId,
        hash,
        expiresAt,
        bytes: DEP_RECORD_OVERHEAD_BYTES + (tenantId.length + depId.length + hash.length) * 2,
      };
      data.depRecords.set(depId, record);
      depRecords.add(record);
      depRecordBytes += record.bytes;
      countWriteAndSweep();
      evictToBound();
    },

    async close() {
      listeners.clear();
    },
  };
}

function estimateEntryBytes(entry: CacheEntry): number {
  // Strings are UTF-16 in V8; two bytes per code unit is the honest upper estimate.
  let bytes = ENTRY_OVERHEAD_BYTES + (entry.key.length + entry.body.length) * 2;
  for (const dep of entry.deps) bytes += (dep.depId.length + dep.expectedHash.length) * 2 + 64;
  return bytes;
}

function vectorBytes(record: VectorRecord): number {
  return record.vector.byteLength + record.text.length * 2 + record.id.length * 2 + 128;
}
