import type { VectorIndex, VectorMatch } from './types';
import { assertVectorLength, dotProduct, TopMatches } from './vector-math';

/** Entries the storage holds at least once something is stored. */
const MIN_CAPACITY = 8;

/**
 * Exact search over vectors stored back to back in one `Float32Array`: a query is one dot product per
 * entry, and removal moves the last entry into the hole (swap-remove) so storage stays contiguous.
 * Fast enough up to a few thousand 384-dim entries (about 0.3 ms per 1k on one core). Storage is
 * allocated on the first `add` and shrinks as entries leave, so an empty index costs a few hundred
 * bytes: most namespaces hold few entries, and many hold none for most of their life.
 */
export class FlatVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private vectors = new Float32Array(0);
  private ids: string[] = [];
  private readonly slotById = new Map<string, number>();

  constructor(dimensions: number) {
    this.dimensions = dimensions;
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
      this.resize(Math.max(MIN_CAPACITY, 2 * slot));
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
    this.shrinkIfSparse();
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

  private collectMatches(vector: Float32Array, top: TopMatches): void {
    const dimensions = this.dimensions;
    for (let slot = 0; slot < this.ids.length; slot++) {
      top.offer(
        this.ids[slot]!,
        dotProduct(vector, 0, this.vectors, slot * dimensions, dimensions),
      );
    }
  }

  /** Exact score of the entry stored under `id` against `vector`, or `undefined` if none is. */
  score(id: string, vector: Float32Array): number | undefined {
    const slot = this.slotById.get(id);
    if (slot === undefined) return undefined;
    return dotProduct(vector, 0, this.vectors, slot * this.dimensions, this.dimensions);
  }

  /** Copies the vector stored under `id` into `target` at `offset`; false if no entry has that id. */
  copyVector(id: string, target: Float32Array, offset: number): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const start = slot * this.dimensions;
    target.set(this.vectors.subarray(start, start + this.dimensions), offset);
    return true;
  }

  /** Visits every stored id. */
  forEachId(visit: (id: string) => void): void {
    for (const id of this.ids) visit(id);
  }

  /** Gives memory back once three quarters of it is unused (after removals or a bulk move). */
  private shrinkIfSparse(): void {
    const capacity = this.vectors.length / this.dimensions;
    if (this.ids.length === 0) this.vectors = new Float32Array(0);
    else if (capacity > MIN_CAPACITY && this.ids.length * 4 <= capacity) {
      this.resize(Math.max(MIN_CAPACITY, 2 * this.ids.length));
    }
  }

  private resize(capacity: number): void {
    const resized = new Float32Array(capacity * this.dimensions);
    resized.set(this.vectors.subarray(0, this.ids.length * this.dimensions));
    this.vectors = resized;
  }
}
