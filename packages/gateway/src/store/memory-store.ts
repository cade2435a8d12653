import { createMemoryCoordinationStore } from './memory/memory-coordination-store';
import { createMemoryStatisticsStore } from './memory/memory-statistics-store';
import type { CacheEntry, Store, StoreChange, VectorRecord } from './store';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Upper bound of the memory used by entries and vectors, in MiB. The least recently used entries
   * (with their vectors) are evicted beyond it.
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
}

/** Rough fixed cost of one entry's bookkeeping (maps, object headers), in bytes. */
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * The default store: everything in this process, L1 entries bounded by bytes with LRU eviction.
 *
 * @example
 * const store = createMemoryStore({ maxMemoryMb: 64 });
 * const gateway = await startGateway({ upstream: 'mock', jwtSecret, store });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const maxBytes = Math.max(1, options.maxMemoryMb ?? 256) * 1024 * 1024;
  // Map iteration order is insertion order: re-inserting on read makes it an LRU list.
  const entries = new Map<string, StoredEntry>();
  const tenantKeys = new Map<string, Set<string>>();
  const depKeys = new Map<string, Set<string>>();
  const depHashes = new Map<string, string>();
  const vectorsByIndex = new Map<string, Map<string, VectorRecord>>();
  const listeners = new Set<(change: StoreChange) => void>();
  let usedBytes = 0;
  let writesSinceSweep = 0;

  const depSetKey = (tenantId: string, depId: string) => `${tenantId}\u0000${depId}`;

  function emit(change: StoreChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A faulty listener must not break the store for the others.
      }
    }
  }

  function addToSet(map: Map<string, Set<string>>, setKey: string, value: string): void {
    let set = map.get(setKey);
    if (!set) {
      set = new Set();
      map.set(setKey, set);
    }
    set.add(value);
  }

  function removeFromSet(map: Map<string, Set<string>>, setKey: string, value: string): void {
    const set = map.get(setKey);
    if (!set) return;
    set.delete(value);
    if (set.size === 0) map.delete(setKey);
  }

  function detachVector(stored: StoredEntry): void {
    const record = stored.vector;
    if (!record) return;
    stored.vector = undefined;
    usedBytes -= vectorBytes(record);
    stored.bytes -= vectorBytes(record);
    const index = vectorsByIndex.get(record.indexKey);
    if (index?.delete(record.id)) {
      if (index.size === 0) vectorsByIndex.delete(record.indexKey);
      emit({ type: 'vector-removed', indexKey: record.indexKey, id: record.id });
    }
  }

  function removeStored(key: string): boolean {
    const stored = entries.get(key);
    if (!stored) return false;
    detachVector(stored);
    entries.delete(key);
    usedBytes -= stored.bytes;
    removeFromSet(tenantKeys, stored.entry.tenantId, key);
    for (const dep of stored.entry.deps) {
      removeFromSet(depKeys, depSetKey(stored.entry.tenantId, dep.depId), key);
    }
    return true;
  }

  function evictToBound(): void {
    for (const key of entries.keys()) {
      if (usedBytes <= maxBytes) return;
      removeStored(key);
    }
  }

  function sweepExpired(): void {
    const current = now();
    for (const [key, stored] of entries) {
      if (stored.storeExpiresAt <= current) removeStored(key);
    }
  }

  function liveStored(key: string): StoredEntry | undefined {
    const stored = entries.get(key);
    if (!stored) return undefined;
    if (stored.storeExpiresAt <= now()) {
      removeStored(key);
      return undefined;
    }
    return stored;
  }

  return {
    kind: 'memory',
    ...createMemoryCoordinationStore(now),
    ...createMemoryStatisticsStore(),

    async getEntry(key) {
      const stored = liveStored(key);
      if (!stored) return undefined;
      entries.delete(key);
      entries.set(key, stored);
      return stored.entry;
    },

    async setEntry(entry, ttlMs) {
      removeStored(entry.key);
      const bytes = entryBytes(entry);
      entries.set(entry.key, { entry, storeExpiresAt: now() + Math.max(0, ttlMs), bytes });
      usedBytes += bytes;
      addToSet(tenantKeys, entry.tenantId, entry.key);
      for (const dep of entry.deps) {
        addToSet(depKeys, depSetKey(entry.tenantId, dep.depId), entry.key);
      }
      writesSinceSweep += 1;
      if (writesSinceSweep >= 1000) {
        writesSinceSweep = 0;
        sweepExpired();
      }
      evictToBound();
    },

    async deleteEntry(key) {
      return removeStored(key);
    },

    async countEntries(tenantId) {
      const keys = tenantKeys.get(tenantId);
      if (!keys) return 0;
      let count = 0;
      for (const key of [...keys]) if (liveStored(key)) count += 1;
      return count;
    },

    async flushTenant(tenantId) {
      const keys = [...(tenantKeys.get(tenantId) ?? [])];
      let deleted = 0;
      for (const key of keys) if (removeStored(key)) deleted += 1;
      return deleted;
    },

    async addVector(record) {
      const stored = liveStored(record.entryKey);
      if (!stored) return;
      detachVector(stored);
      stored.vector = record;
      stored.bytes += vectorBytes(record);
      usedBytes += vectorBytes(record);
      let index = vectorsByIndex.get(record.indexKey);
      if (!index) {
        index = new Map();
        vectorsByIndex.set(record.indexKey, index);
      }
      index.set(record.id, record);
      emit({ type: 'vector-added', record });
      evictToBound();
    },

    async removeVector(indexKey, id) {
      const record = vectorsByIndex.get(indexKey)?.get(id);
      if (!record) return false;
      const stored = entries.get(record.entryKey);
      if (stored?.vector === record) {
        detachVector(stored);
        return true;
      }
      vectorsByIndex.get(indexKey)?.delete(id);
      emit({ type: 'vector-removed', indexKey, id });
      return true;
    },

    async listVectors(indexKey) {
      const index = vectorsByIndex.get(indexKey);
      if (!index) return [];
      return [...index.values()].filter((record) => liveStored(record.entryKey) !== undefined);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async takeDepKeys(tenantId, depId) {
      const setKey = depSetKey(tenantId, depId);
      const keys = [...(depKeys.get(setKey) ?? [])];
      depKeys.delete(setKey);
      return keys;
    },

    async getDepHashes(tenantId, depIds) {
      return depIds.map((depId) => depHashes.get(depSetKey(tenantId, depId)));
    },

    async setDepHash(tenantId, depId, hash) {
      depHashes.set(depSetKey(tenantId, depId), hash);
    },

    async close() {
      listeners.clear();
    },
  };
}

function entryBytes(entry: CacheEntry): number {
  // Strings are UTF-16 in V8; two bytes per code unit is the honest upper estimate.
  let bytes = ENTRY_OVERHEAD_BYTES + (entry.key.length + entry.body.length) * 2;
  for (const dep of entry.deps) bytes += (dep.depId.length + dep.expectedHash.length) * 2 + 64;
  return bytes;
}

function vectorBytes(record: VectorRecord): number {
  return record.vector.byteLength + record.text.length * 2 + record.id.length * 2 + 128;
}
