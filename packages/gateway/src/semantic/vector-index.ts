import { availableParallelism } from 'node:os';
import { FlatVectorIndex } from './flat-vector-index';
import { loadUsearch, type NativeIndexOptions, NativeVectorIndex } from './native-vector-index';
import type { VectorIndex, VectorMatch } from './types';
import { assertVectorLength, TopMatches } from './vector-math';

/** Options of `createVectorIndex`. */
export interface VectorIndexOptions {
  /**
   * Up to this many entries the index searches exactly (one dot product per entry: about 0.4 ms
   * per 1k 384-dim entries here, 3.7 ms at 10k); above it, a native HNSW index (usearch) takes over.
   * @default 2048
   */
  flatLimit?: number;
  /** Tuning of the native HNSW index used above `flatLimit`. */
  native?: NativeIndexOptions;
  /**
   * Above `flatLimit`, new entries wait (searched exactly, so found at once) until this many have
   * gathered, then enter the native index in one call on `insertThreads` threads. After crossing
   * the limit every stored entry waits, and each `add` moves one batch, so no call stalls for the
   * whole namespace. Larger batches insert faster (usearch starts its threads once per call, about
   * 0.2 ms) but make the `add` that moves them longer (about 6 ms for 128 entries of 384
   * dimensions on two threads) and every search scan up to that many waiting entries exactly
   * (about 30 µs for 128).
   * @default 128
   */
  insertionBatch?: number;
  /**
   * Threads a batch insertion uses (the calling thread included); the call returns when all are
   * done. Searches always run on the calling thread alone.
   * @default 2 (1 on a single-core machine)
   */
  insertThreads?: number;
}

/** Default of `VectorIndexOptions.flatLimit`. */
export const DEFAULT_FLAT_LIMIT = 2048;

/**
 * Creates a vector index for one cache namespace. Small indexes search exactly (an empty one costs
 * under 1 KB); past `flatLimit` entries a native HNSW index (usearch, prebuilt binaries) proposes
 * candidates that are re-scored with the full vectors. Measured on a shared 2-core machine at
 * 100k 384-dim lexical embeddings (`bench/benchmarks/l2-lookup.ts`): recall@1 against exact search
 * 98–100% (by query set and build), lookups 0.5–0.9 ms median, inserts about 0.09 ms of CPU each
 * (two threads: 100k in 5–6.5 s), about 2.3 KB per entry.
 * Scores are exact cosine similarities (vectors must be unit length). Adding an existing id
 * replaces its vector; removed ids are never returned, and usearch reuses their slots. Without a
 * loadable native binary the index stays exact at every size (Node prints one warning).
 *
 * @example
 * const index = createVectorIndex(384);
 * index.add('entry-1', vector);
 * const [best] = index.search(queryVector, 1); // { id: 'entry-1', score: 0.97 }
 */
export function createVectorIndex(
  dimensions: number,
  options: VectorIndexOptions = {},
): VectorIndex {
  if (!Number.isInteger(dimensions) || dimensions <= 0) {
    throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
  }
  return new HybridVectorIndex(dimensions, options);
}

/** Default of `VectorIndexOptions.insertionBatch`. */
const DEFAULT_INSERTION_BATCH = 128;

/** Default of `NativeIndexOptions.candidates`. */
const DEFAULT_CANDIDATES = 32;

/**
 * Every entry's full vector lives in the flat store, which answers searches alone up to the limit.
 * Above it the native index proposes candidates and the store re-scores them exactly; entries not
 * yet in the native index (`waiting`) are scored directly, so they are findable at once. Falling
 * back under half the limit drops the native index again.
 */
class HybridVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private readonly flatLimit: number;
  private readonly nativeOptions: NativeIndexOptions;
  private readonly candidates: number;
  private readonly insertionBatch: number;
  private readonly insertThreads: number;
  private readonly store: FlatVectorIndex;
  private native: NativeVectorIndex | undefined;
  /** Ids in the store but not yet in the native index, oldest first. */
  private readonly waiting = new Set<string>();

  constructor(dimensions: number, options: VectorIndexOptions) {
    this.dimensions = dimensions;
    this.flatLimit = Math.max(1, options.flatLimit ?? DEFAULT_FLAT_LIMIT);
    this.nativeOptions = options.native ?? {};
    this.candidates = Math.max(1, Math.floor(this.nativeOptions.candidates ?? DEFAULT_CANDIDATES));
    this.insertionBatch = Math.max(
      1,
      Math.floor(options.insertionBatch ?? DEFAULT_INSERTION_BATCH),
    );
    this.insertThreads = Math.max(
      1,
      Math.floor(options.insertThreads ?? Math.min(2, availableParallelism())),
    );
    this.store = new FlatVectorIndex(dimensions);
  }

  get size(): number {
    return this.store.size;
  }

  add(id: string, vector: Float32Array): void {
    this.store.add(id, vector);
    if (this.native === undefined) {
      if (this.store.size <= this.flatLimit) return;
      const usearch = loadUsearch();
      if (usearch === undefined) return;
      this.native = new NativeVectorIndex(
        usearch,
        this.dimensions,
        this.insertThreads,
        this.nativeOptions,
      );
      this.store.forEachId((stored) => this.waiting.add(stored));
    } else {
      // A replaced vector leaves the native index and waits to enter it again.
      this.native.remove(id);
      this.waiting.delete(id);
      this.waiting.add(id);
    }
    if (this.waiting.size >= this.insertionBatch) this.insertWaitingEntries(this.insertionBatch);
  }

  remove(id: string): boolean {
    if (!this.store.remove(id)) return false;
    this.waiting.delete(id);
    this.native?.remove(id);
    if (this.native !== undefined && this.store.size < this.flatLimit / 2) {
      this.native = undefined;
      this.waiting.clear();
    }
    return true;
  }

  has(id: string): boolean {
    return this.store.has(id);
  }

  search(vector: Float32Array, k: number): VectorMatch[] {
    assertVectorLength(vector, this.dimensions);
    const native = this.native;
    if (native === undefined) return this.store.search(vector, k);
    const top = new TopMatches(Math.max(0, Math.floor(k)));
    if (top.k === 0) return [];
    for (const id of native.searchIds(vector, Math.max(top.k, this.candidates))) {
      top.offer(id, this.store.score(id, vector)!);
    }
    for (const id of this.waiting) top.offer(id, this.store.score(id, vector)!);
    return top.toMatches();
  }

  /**
   * Inserts every waiting entry into the native index now, in one call (after a bulk load, before
   * measuring or serving latency-sensitive traffic). Not part of `VectorIndex`; reached through
   * `flushVectorIndex`.
   */
  flush(): void {
    this.insertWaitingEntries(this.waiting.size);
  }

  private insertWaitingEntries(count: number): void {
    const native = this.native;
    if (native === undefined || this.waiting.size === 0) return;
    const ids: string[] = [];
    for (const id of this.waiting) {
      if (ids.length >= count) break;
      ids.push(id);
    }
    const vectors = new Float32Array(ids.length * this.dimensions);
    ids.forEach((id, position) => {
      this.store.copyVector(id, vectors, position * this.dimensions);
      this.waiting.delete(id);
    });
    native.addBatch(ids, vectors);
  }
}

/**
 * Inserts every entry still waiting for the native index, so the next searches run at full speed.
 * Useful after a bulk load (benchmarks, warm-up from a store); a no-op for indexes in flat mode.
 *
 * @example
 * for (const [id, vector] of entries) index.add(id, vector);
 * flushVectorIndex(index);
 */
export function flushVectorIndex(index: VectorIndex): void {
  if (index instanceof HybridVectorIndex) index.flush();
}
