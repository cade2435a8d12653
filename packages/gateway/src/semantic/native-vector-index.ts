import { createRequire } from 'node:module';
import type { Index as UsearchIndex } from 'usearch';

/** Tuning of the native HNSW index (usearch) used above `VectorIndexOptions.flatLimit`. */
export interface NativeIndexOptions {
  /**
   * Links per graph node. More links raise recall, memory and insertion time.
   * @default 16
   */
  connectivity?: number;
  /**
   * Candidate list size while inserting; larger builds a better graph, more slowly.
   * @default 128
   */
  expansionAdd?: number;
  /**
   * Candidate list size while searching: the recall/latency knob.
   * @default 512
   */
  expansionSearch?: number;
  /**
   * Candidates taken from the native index per search (at least `k`) and re-scored exactly. The
   * native index stores vectors as 8-bit integers, which makes its own ranking coarse; re-scoring
   * a few more candidates than asked for with the full vectors recovers the exact best match.
   * @default 32
   */
  candidates?: number;
}

type UsearchModule = typeof import('usearch');

let loaded: UsearchModule | null | undefined;

/**
 * The usearch module, or `undefined` when its native binary cannot load (a platform without a
 * prebuilt binary whose install skipped the source build): the caller then keeps searching exactly,
 * slower but with the same results, and Node prints one warning saying why.
 */
export function loadUsearch(): UsearchModule | undefined {
  if (loaded === undefined) {
    try {
      // Required lazily so a missing binary degrades to exact search instead of failing the import.
      loaded = createRequire(import.meta.url)('usearch') as UsearchModule;
    } catch (error) {
      loaded = null;
      process.emitWarning(
        `usearch could not load (${error instanceof Error ? error.message : String(error)}); ` +
          'large semantic cache namespaces fall back to exact search',
        { code: 'CACHECORE_NO_NATIVE_VECTOR_INDEX' },
      );
    }
  }
  return loaded ?? undefined;
}

/**
 * An approximate nearest-neighbour index over unit vectors in native memory (usearch's HNSW,
 * inner-product metric, vectors quantised to 8-bit integers: a quarter of the memory and about
 * twice the insertion speed of f32), keyed by string ids. It only proposes candidates; the caller
 * re-scores them with the full vectors. usearch keys are integers, so every insertion gets a fresh
 * key; removal frees the node and usearch reuses its slot for a later insertion, so heavy churn
 * needs no rebuild.
 */
export class NativeVectorIndex {
  private readonly index: UsearchIndex;
  private readonly keyById = new Map<string, number>();
  private readonly idByKey = new Map<number, string>();
  private nextKey = 0;

  constructor(
    usearch: UsearchModule,
    readonly dimensions: number,
    private readonly insertThreads: number,
    options: NativeIndexOptions = {},
  ) {
    this.index = new usearch.Index({
      dimensions,
      metric: usearch.MetricKind.IP,
      quantization: usearch.ScalarKind.I8,
      connectivity: options.connectivity ?? 16,
      expansion_add: options.expansionAdd ?? 128,
      expansion_search: options.expansionSearch ?? 512,
      multi: false,
    });
  }

  get size(): number {
    return this.keyById.size;
  }

  has(id: string): boolean {
    return this.keyById.has(id);
  }

  /**
   * Inserts `ids.length` new entries whose vectors lie back to back in `vectors`, in one native call
   * on `insertThreads` threads. Ids must not be stored yet (a replaced id is removed first).
   */
  addBatch(ids: readonly string[], vectors: Float32Array): void {
    if (ids.length === 0) return;
    const keys = new BigUint64Array(ids.length);
    ids.forEach((id, position) => {
      const key = this.nextKey++;
      keys[position] = BigInt(key);
      this.keyById.set(id, key);
      this.idByKey.set(key, id);
    });
    // Always the same thread count: usearch sizes its per-thread contexts by the thread count of
    // the call that grows its capacity.
    this.index.add(keys, vectors.subarray(0, ids.length * this.dimensions), this.insertThreads);
  }

  remove(id: string): boolean {
    const key = this.keyById.get(id);
    if (key === undefined) return false;
    this.index.remove(BigInt(key));
    this.keyById.delete(id);
    this.idByKey.delete(key);
    return true;
  }

  /** Ids of up to `count` approximate best matches of `vector` by dot product, best first. */
  searchIds(vector: Float32Array, count: number): string[] {
    if (this.keyById.size === 0 || count <= 0) return [];
    const matches = this.index.search(vector, count, 1);
    const ids: string[] = [];
    for (const key of matches.keys) {
      const id = this.idByKey.get(Number(key));
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}
