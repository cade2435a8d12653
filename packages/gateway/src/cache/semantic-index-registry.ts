import type { VectorIndex } from '../semantic/types';
import type { Store, StoreChange, VectorRecord } from '../store/store';

/** An in-process vector index of one L2 index key, with the records its ids point to. */
export interface LoadedSemanticIndex {
  index: VectorIndex;
  records: Map<string, VectorRecord>;
}

/**
 * Keeps one in-process vector index per L2 index key (namespace + context key), loaded from the
 * store on first use and kept in sync with the store's change notifications, so several gateway
 * instances sharing a store see each other's vectors.
 */
export class SemanticIndexRegistry {
  private readonly indexes = new Map<string, Promise<LoadedSemanticIndex>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly createIndex: () => VectorIndex,
  ) {
    this.unsubscribe = store.subscribe((change) => this.apply(change));
  }

  /** The index of `indexKey`, loading it from the store the first time. */
  get(indexKey: string): Promise<LoadedSemanticIndex> {
    let loading = this.indexes.get(indexKey);
    if (!loading) {
      loading = this.load(indexKey);
      this.indexes.set(indexKey, loading);
      loading.catch(() => this.indexes.delete(indexKey));
    }
    return loading;
  }

  /** Whether an index key has been loaded (or is loading) in this process. */
  has(indexKey: string): boolean {
    return this.indexes.has(indexKey);
  }

  close(): void {
    this.unsubscribe();
    this.indexes.clear();
  }

  private async load(indexKey: string): Promise<LoadedSemanticIndex> {
    const loaded: LoadedSemanticIndex = { index: this.createIndex(), records: new Map() };
    for (const record of await this.store.listVectors(indexKey)) add(loaded, record);
    return loaded;
  }

  private apply(change: StoreChange): void {
    if (change.type === 'resync') {
      // Changes were missed: drop every index, so each reloads from the store when next used.
      this.indexes.clear();
      return;
    }
    const indexKey = change.type === 'vector-added' ? change.record.indexKey : change.indexKey;
    const loading = this.indexes.get(indexKey);
    if (!loading) return;
    // Changes that arrive while the index loads are applied after it, in order.
    loading.then(
      (loaded) => {
        if (change.type === 'vector-added') add(loaded, change.record);
        else {
          loaded.index.remove(change.id);
          loaded.records.delete(change.id);
          if (loaded.records.size === 0) this.indexes.delete(indexKey);
        }
      },
      () => {},
    );
  }
}

function add(loaded: LoadedSemanticIndex, record: VectorRecord): void {
  if (record.vector.length !== loaded.index.dimensions) return;
  loaded.index.add(record.id, record.vector);
  loaded.records.set(record.id, record);
}
