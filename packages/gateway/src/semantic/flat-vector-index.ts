import type { VectorIndex, VectorMatch } from './types';
import { assertVectorLength, dotProduct, TopMatches } from './vector-math';

/**
 * Exact search over vectors stored back to back in one `Float32Array`: a query is one dot product per
 * entry, and removal moves the last entry into the hole (swap-remove) so storage stays contiguous.
 * Fast enough up to a few thousand 384-dim entries (about 0.3 ms per 1k on one core).
 */
export class FlatVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private vectors: Float32Array;
  private ids: string[] = [];
  private readonly slotById = new Map<string, number>();

  constructor(dimensions: number, initialCapacity = 64) {
    this.dimensions = dimensions;
    this.vectors = new Float32Array(dimensions * Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.ids.length;
  }

  add(id: string, vector: Float32Array): void {
    assertVectorLength(vector, this.dimensions);
    const existing = this.slotById.get(id);
    if (existing !== undefined) {
      this.vectors.set(vector, existing * this.dimensions);
      return;
    }
    const slot = this.ids.length;
    if ((slot + 1) * this.dimensions > this.vectors.length) {
      const grown = new Float32Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors = grown;
    }
    this.vectors.set(vector, slot * this.dimensions);
    this.ids.push(id);
    this.slotById.set(id, slot);
  }

  remove(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const lastSlot = this.ids.length - 1;
    if (slot !== lastSlot) {
      const lastId = this.ids[lastSlot]!;
      this.vectors.copyWithin(
        slot * this.dimensions,
        lastSlot * this.dimensions,
        (lastSlot + 1) * this.dimensions,
      );
      this.ids[slot] = lastId;
      this.slotById.set(lastId, slot);
    }
    this.ids.pop();
    this.slotById.delete(id);
    return true;
  }

  has(id: string): boolean {
    return this.slotById.has(id);
  }

  search(vector: Float32Array, k: number): VectorMatch[] {
    assertVectorLength(vector, this.dimensions);
    const top = new TopMatches(k);
    this.collectMatches(vector, top);
    return top.toMatches();
  }

  /** Scores every entry into `top` (used by the hybrid index to merge with its graph results). */
  collectMatches(vector: Float32Array, top: TopMatches): void {
    const dimensions = this.dimensions;
    for (let slot = 0; slot < this.ids.length; slot++) {
      top.offer(
        this.ids[slot]!,
        dotProduct(vector, 0, this.vectors, slot * dimensions, dimensions),
      );
    }
  }

  /** Removes and returns the most recently stored entry (with a copy of its vector), if any. */
  takeLastEntry(): { id: string; vector: Float32Array } | undefined {
    const slot = this.ids.length - 1;
    if (slot < 0) return undefined;
    const id = this.ids[slot]!;
    const start = slot * this.dimensions;
    const vector = this.vectors.slice(start, start + this.dimensions);
    this.remove(id);
    return { id, vector };
  }

  /** Visits every stored entry; the vector is a view into storage, valid until the next mutation. */
  forEachEntry(visit: (id: string, vector: Float32Array) => void): void {
    for (let slot = 0; slot < this.ids.length; slot++) {
      const start = slot * this.dimensions;
      visit(this.ids[slot]!, this.vectors.subarray(start, start + this.dimensions));
    }
  }
}
