import { FlatVectorIndex } from './flat-vector-index';
import { HnswGraph, type HnswOptions } from './hnsw-graph';
import type { VectorIndex, VectorMatch } from './types';
import { assertVectorLength, TopMatches } from './vector-math';

/** Options of `createVectorIndex`. */
export interface VectorIndexOptions {
  /**
   * Up to this many entries the index searches exactly (one dot product per entry: about 0.4 ms
   * per 1k 384-dim entries here, 3.7 ms at 10k); above it, an HNSW graph takes over.
   * @default 2048
   */
  flatLimit?: number;
  /** Tuning of the HNSW graph used above `flatLimit`. */
  graph?: HnswOptions;
  /**
   * Graph insertions done per `add` call while entries wait to enter the graph (after crossing
   * `flatLimit`, or while a graph full of removed entries is rebuilt). Spreading the work over adds
   * keeps every call short instead of stalling one request for seconds.
   * @default 3
   */
  insertionsPerAdd?: number;
}

/** Default of `VectorIndexOptions.flatLimit`. */
export const DEFAULT_FLAT_LIMIT = 2048;

/**
 * Creates a vector index for one cache namespace. Small indexes search exactly; past `flatLimit`
 * entries an HNSW graph (pure TypeScript, no native build) takes over. Measured on this shared
 * 2-core machine at 100k 384-dim entries: 0.9 ms (clustered) to 2.3 ms (uniform random) median
 * and about 3 ms p95 per query (flat search: about 40 ms), recall@1 against flat search 0.99–0.995
 * for queries at hit-threshold similarity to an entry, inserts 0.7–1.7 ms, memory about 2.3 KB per
 * entry. Scores are always exact cosine similarities
 * (vectors must be unit length). Adding an existing id replaces its vector; removing is O(1)
 * (graph nodes are marked deleted, and the graph is rebuilt a few entries per `add` once deleted
 * nodes outnumber live ones).
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

/** A graph and the node of each id it holds alive. */
interface GraphSegment {
  graph: HnswGraph;
  nodeById: Map<string, number>;
}

/**
 * Flat while small; above the limit every entry lives in exactly one of three places: the current
 * graph, the retiring graph (being migrated into the current one during a rebuild) or the pending
 * flat buffer (waiting to be inserted). A search covers all three, so entries are findable at once.
 */
class HybridVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private readonly flatLimit: number;
  private readonly graphOptions: HnswOptions;
  private readonly insertionsPerAdd: number;
  /** All entries while in flat mode; in graph mode, the entries not yet inserted. */
  private pending: FlatVectorIndex;
  private current: GraphSegment | undefined;
  private retiring: GraphSegment | undefined;
  private retiringCursor = 0;

  constructor(dimensions: number, options: VectorIndexOptions) {
    this.dimensions = dimensions;
    this.flatLimit = Math.max(1, options.flatLimit ?? DEFAULT_FLAT_LIMIT);
    this.graphOptions = options.graph ?? {};
    this.insertionsPerAdd = Math.max(1, options.insertionsPerAdd ?? 3);
    this.pending = new FlatVectorIndex(dimensions);
  }

  get size(): number {
    return (
      this.pending.size + (this.current?.nodeById.size ?? 0) + (this.retiring?.nodeById.size ?? 0)
    );
  }

  add(id: string, vector: Float32Array): void {
    assertVectorLength(vector, this.dimensions);
    if (this.current === undefined) {
      this.pending.add(id, vector);
      if (this.pending.size > this.flatLimit) this.current = this.createSegment();
      else return;
    } else {
      this.removeFromGraphs(id);
      this.pending.add(id, vector);
    }
    this.insertWaitingEntries(this.insertionsPerAdd);
    this.startRebuildIfMostlyDeleted();
  }

  remove(id: string): boolean {
    const removed = this.pending.remove(id) || this.removeFromGraphs(id);
    if (removed && this.current !== undefined) {
      if (this.size < this.flatLimit / 2) this.returnToFlat();
      else this.startRebuildIfMostlyDeleted();
    }
    return removed;
  }

  has(id: string): boolean {
    return (
      this.pending.has(id) ||
      (this.current?.nodeById.has(id) ?? false) ||
      (this.retiring?.nodeById.has(id) ?? false)
    );
  }

  search(vector: Float32Array, k: number): VectorMatch[] {
    assertVectorLength(vector, this.dimensions);
    const top = new TopMatches(Math.max(0, Math.floor(k)));
    if (top.k === 0) return [];
    this.pending.collectMatches(vector, top);
    this.current?.graph.collectMatches(vector, top);
    this.retiring?.graph.collectMatches(vector, top);
    return top.toMatches();
  }

  /**
   * Inserts every waiting entry into the graph now (after a bulk load, before measuring or serving
   * latency-sensitive traffic). Not part of `VectorIndex`; reached through `flushVectorIndex`.
   */
  flush(): void {
    this.insertWaitingEntries(Number.POSITIVE_INFINITY);
  }

  private createSegment(): GraphSegment {
    return { graph: new HnswGraph(this.dimensions, this.graphOptions), nodeById: new Map() };
  }

  private removeFromGraphs(id: string): boolean {
    for (const segment of [this.current, this.retiring]) {
      const node = segment?.nodeById.get(id);
      if (segment !== undefined && node !== undefined) {
        segment.graph.markDeleted(node);
        segment.nodeById.delete(id);
        return true;
      }
    }
    return false;
  }

  /** Moves up to `budget` entries from the pending buffer, then from the retiring graph, into the graph. */
  private insertWaitingEntries(budget: number): void {
    const current = this.current;
    if (current === undefined) return;
    let remaining = budget;
    while (remaining > 0) {
      const waiting = this.pending.takeLastEntry();
      if (waiting === undefined) break;
      current.nodeById.set(waiting.id, current.graph.insert(waiting.id, waiting.vector));
      remaining--;
    }
    const retiring = this.retiring;
    if (retiring === undefined) return;
    while (remaining > 0 && this.retiringCursor < retiring.graph.nodeCount) {
      const node = this.retiringCursor++;
      const entry = retiring.graph.liveEntryAt(node);
      if (entry === undefined) continue;
      current.nodeById.set(entry.id, current.graph.insert(entry.id, entry.vector));
      retiring.graph.markDeleted(node);
      retiring.nodeById.delete(entry.id);
      remaining--;
    }
    if (this.retiringCursor >= retiring.graph.nodeCount) this.retiring = undefined;
  }

  /**
   * Removed nodes keep routing searches but cost time and memory; once they outnumber the live
   * ones, the graph retires and its live entries migrate into a fresh graph a few per `add`.
   */
  private startRebuildIfMostlyDeleted(): void {
    const current = this.current;
    if (current === undefined || this.retiring !== undefined) return;
    const deleted = current.graph.deletedNodeCount;
    if (deleted <= this.flatLimit || deleted <= current.nodeById.size) return;
    this.retiring = current;
    this.retiringCursor = 0;
    this.current = this.createSegment();
  }

  private returnToFlat(): void {
    const flat = this.pending;
    for (const segment of [this.current, this.retiring]) {
      segment?.graph.forEachLiveNode((id, vector) => flat.add(id, vector));
    }
    this.current = undefined;
    this.retiring = undefined;
    this.retiringCursor = 0;
  }
}

/**
 * Inserts every entry still waiting for the graph, so the next searches run at full graph speed.
 * Useful after a bulk load (benchmarks, warm-up from a store); a no-op for indexes in flat mode.
 *
 * @example
 * for (const [id, vector] of entries) index.add(id, vector);
 * flushVectorIndex(index);
 */
export function flushVectorIndex(index: VectorIndex): void {
  if (index instanceof HybridVectorIndex) index.flush();
}
