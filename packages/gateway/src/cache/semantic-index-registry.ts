import type { VectorIndex } from '../semantic/types';
import { DEFAULT_MAX_MEMORY_MB, type MemoryReading } from '../store/memory-budget';
import type { Store, StoreChange, VectorRecord } from '../store/store';
import { tenantScopedKey } from '../store/tenant-scoped-key';

/** An in-process vector index of one L2 index key, with the records its ids point to. */
export interface LoadedSemanticIndex {
  index: VectorIndex;
  records: Map<string, VectorRecord>;
}

/** Options of {@link SemanticIndexRegistry}. */
export interface SemanticIndexRegistryOptions {
  /**
   * Bytes the in-process indexes may take together (estimated: vectors, the index's own copy and
   * links, texts, ids, bookkeeping); the least recently used indexes are dropped beyond it and
   * reload from the store when next used.
   * @default the store's `memory.indexBudgetBytes`, else a quarter of 256 MiB
   */
  maxBytes?: number;
  /** Clock in epoch ms, for record expiry. @default Date.now */
  now?: () => number;
  /** How often every index is swept of records whose entries expired. @default 30000 */
  sweepIntervalMs?: number;
}

/** One index held in the process. */
interface HeldIndex {
  loaded: LoadedSemanticIndex;
  bytes: number;
  /** The earliest `expiresAt` of its records (a sweep is due from then on). */
  nextExpiry: number;
}

/** Fixed cost of an index with no records: the flat index preallocates 64 vectors, plus maps. */
const INDEX_OVERHEAD_VECTORS = 64;
const INDEX_OVERHEAD_BYTES = 2048;
/** Per record: the record object, two map slots, graph links and node bookkeeping. */
const RECORD_OVERHEAD_BYTES = 512;

/**
 * Keeps in-process vector indexes per tenant and L2 index key (namespace + context key), loaded
 * from the store when a lookup needs one and kept in sync with the store's change notifications,
 * so several gateway instances sharing a store see each other's vectors.
 *
 * Memory stays bounded however many contexts there are: indexes are kept least recently used first
 * within `maxBytes`; a lookup whose context has no vectors in the store creates nothing; an index
 * whose last record goes is dropped; records whose entries expired are dropped when their index is
 * used and by a periodic sweep (a Redis TTL expiry announces nothing).
 */
export class SemanticIndexRegistry {
  /** Held indexes by tenant-scoped index key, least recently used first. */
  private readonly held = new Map<string, HeldIndex>();
  private readonly loading = new Map<
    string,
    { promise: Promise<LoadedSemanticIndex>; changes: StoreChange[] }
  >();
  private readonly unsubscribe: () => void;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private heldBytes = 0;
  private recordCount = 0;
  /** Bumped on `resync`: loads started before it must not be kept. */
  private generation = 0;
  private empty: LoadedSemanticIndex | undefined;

  constructor(
    private readonly store: Store,
    private readonly createIndex: () => VectorIndex,
    options: SemanticIndexRegistryOptions = {},
  ) {
    this.maxBytes =
      options.maxBytes ??
      store.memory?.indexBudgetBytes ??
      (DEFAULT_MAX_MEMORY_MB * 1024 * 1024) / 4;
    this.now = options.now ?? Date.now;
    this.unsubscribe = store.subscribe((change) => this.apply(change));
    this.sweepTimer = setInterval(() => this.sweepAll(), options.sweepIntervalMs ?? 30_000);
    // The sweep only frees memory; it must never keep a process alive.
    this.sweepTimer.unref();
  }

  /**
   * The index of `indexKey` of `tenantId`, loading it from the store when it is not held. A
   * context without vectors gets a shared empty index and nothing is kept for it.
   * @param tenantId The tenant whose index it is (the store keeps each tenant's vectors apart).
   * @param indexKey The L2 index key (namespace + context key).
   */
  async get(tenantId: string, indexKey: string): Promise<LoadedSemanticIndex> {
    const slot = tenantScopedKey(tenantId, indexKey);
    const held = this.held.get(slot);
    if (held) {
      // Re-inserting makes the map's order least recently used first.
      this.held.delete(slot);
      this.held.set(slot, held);
      if (held.nextExpiry <= this.now()) this.sweep(slot, held);
      return this.held.has(slot) ? held.loaded : this.emptyIndex();
    }
    const inFlight = this.loading.get(slot);
    if (inFlight) return inFlight.promise;
    const changes: StoreChange[] = [];
    const promise = this.load(tenantId, indexKey, changes);
    this.loading.set(slot, { promise, changes });
    // `load` hands over synchronously once its snapshot is in; this only clears up after a failure.
    promise.catch(() => {
      if (this.loading.get(slot)?.promise === promise) this.loading.delete(slot);
    });
    return promise;
  }

  /**
   * Whether the index of `indexKey` of `tenantId` is held (or loading) in this process.
   * @param tenantId The tenant whose index it is.
   * @param indexKey The L2 index key.
   */
  has(tenantId: string, indexKey: string): boolean {
    const slot = tenantScopedKey(tenantId, indexKey);
    return this.held.has(slot) || this.loading.has(slot);
  }

  /** What the indexes hold, for the memory gauges. */
  readMemory(): MemoryReading {
    return {
      holder: 'registry',
      budgetBytes: this.maxBytes,
      bytes: { l2_indexes: this.heldBytes },
      items: { l2_indexes: this.held.size, l2_records: this.recordCount },
    };
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.unsubscribe();
    this.dropAll();
  }

  private async load(
    tenantId: string,
    indexKey: string,
    changes: StoreChange[],
  ): Promise<LoadedSemanticIndex> {
    const generation = this.generation;
    const records = await this.store.listVectors(tenantId, indexKey);
    // From here on everything runs synchronously: no change can slip between the snapshot, the
    // changes buffered while it was taken, and the held index that follows the feed directly.
    const slot = tenantScopedKey(tenantId, indexKey);
    this.loading.delete(slot);
    const current = this.now();
    const live = records.filter((record) => !hasExpired(record, current));
    // Changes that arrived while the snapshot was taken are applied after it, in order.
    const added = changes.some((change) => change.type === 'vector-added');
    if (live.length === 0 && !added) return this.emptyIndex();
    const held: HeldIndex = {
      loaded: { index: this.createIndex(), records: new Map() },
      bytes: this.indexOverheadBytes(),
      nextExpiry: Number.POSITIVE_INFINITY,
    };
    for (const record of live) this.addRecord(held, record);
    for (const change of changes) this.applyTo(held, change);
    if (held.loaded.records.size === 0 || generation !== this.generation) return held.loaded;
    this.held.set(slot, held);
    this.heldBytes += held.bytes;
    this.recordCount += held.loaded.records.size;
    this.evictToBudget();
    return held.loaded;
  }

  private apply(change: StoreChange): void {
    if (change.type === 'resync') {
      // Changes were missed: drop everything, so each index reloads from the store when next used.
      this.generation += 1;
      this.dropAll();
      return;
    }
    const { tenantId, indexKey } = change.type === 'vector-added' ? change.record : change;
    const slot = tenantScopedKey(tenantId, indexKey);
    const inFlight = this.loading.get(slot);
    if (inFlight) {
      inFlight.changes.push(change);
      return;
    }
    const held = this.held.get(slot);
    if (!held) return;
    const bytesBefore = held.bytes;
    const recordsBefore = held.loaded.records.size;
    this.applyTo(held, change);
    this.heldBytes += held.bytes - bytesBefore;
    this.recordCount += held.loaded.records.size - recordsBefore;
    if (held.loaded.records.size === 0) this.drop(slot, held);
    else if (held.bytes > bytesBefore) this.evictToBudget();
  }

  private applyTo(held: HeldIndex, change: StoreChange): void {
    if (change.type === 'vector-added') {
      if (!hasExpired(change.record, this.now())) this.addRecord(held, change.record);
    } else if (change.type === 'vector-removed') {
      this.removeRecord(held, change.id);
    }
  }

  private addRecord(held: HeldIndex, record: VectorRecord): void {
    if (record.vector.length !== held.loaded.index.dimensions) return;
    this.removeRecord(held, record.id);
    held.loaded.index.add(record.id, record.vector);
    held.loaded.records.set(record.id, record);
    held.bytes += recordBytes(record);
    if (record.expiresAt !== undefined && record.expiresAt < held.nextExpiry) {
      held.nextExpiry = record.expiresAt;
    }
  }

  private removeRecord(held: HeldIndex, id: string): void {
    const record = held.loaded.records.get(id);
    if (!record) return;
    held.loaded.index.remove(id);
    held.loaded.records.delete(id);
    held.bytes -= recordBytes(record);
  }

  /** Drops the records of one index whose entries expired, and the index when none is left. */
  private sweep(slot: string, held: HeldIndex): void {
    const current = this.now();
    const bytesBefore = held.bytes;
    const recordsBefore = held.loaded.records.size;
    held.nextExpiry = Number.POSITIVE_INFINITY;
    for (const record of [...held.loaded.records.values()]) {
      if (record.expiresAt === undefined) continue;
      if (record.expiresAt <= current) this.removeRecord(held, record.id);
      else if (record.expiresAt < held.nextExpiry) held.nextExpiry = record.expiresAt;
    }
    this.heldBytes += held.bytes - bytesBefore;
    this.recordCount += held.loaded.records.size - recordsBefore;
    if (held.loaded.records.size === 0) this.drop(slot, held);
  }

  private sweepAll(): void {
    const current = this.now();
    for (const [slot, held] of [...this.held]) {
      if (held.nextExpiry <= current) this.sweep(slot, held);
    }
  }

  private evictToBudget(): void {
    for (const [slot, held] of this.held) {
      if (this.heldBytes <= this.maxBytes) return;
      this.drop(slot, held);
    }
  }

  private drop(slot: string, held: HeldIndex): void {
    if (this.held.get(slot) !== held) return;
    this.held.delete(slot);
    this.heldBytes -= held.bytes;
    this.recordCount -= held.loaded.records.size;
  }

  private dropAll(): void {
    this.held.clear();
    this.heldBytes = 0;
    this.recordCount = 0;
  }

  private indexOverheadBytes(): number {
    return INDEX_OVERHEAD_BYTES + INDEX_OVERHEAD_VECTORS * this.emptyIndex().index.dimensions * 4;
  }

  /** One empty index for every context without vectors; never written to. */
  private emptyIndex(): LoadedSemanticIndex {
    this.empty ??= { index: this.createIndex(), records: new Map() };
    return this.empty;
  }
}

function hasExpired(record: VectorRecord, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now;
}

/**
 * Estimated bytes of one record: its own vector, the index's copy of it (with the growth slack of
 * doubling arrays), its text and ids (UTF-16) and fixed bookkeeping.
 */
function recordBytes(record: VectorRecord): number {
  return (
    record.vector.byteLength * 3 +
    (record.text.length + record.id.length + record.entryKey.length) * 2 +
    RECORD_OVERHEAD_BYTES
  );
}
