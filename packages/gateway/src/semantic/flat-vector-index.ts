import type { VectorIndex, VectorMatch } from './types';
import { assertVectorLength, dotProduct, TopMatches } from './vector-math';

/** Entries the storage holds at least once something is stored. */
const MIN_CAPACITY = 8;
/** Entries per storage block (log2): 1,024, 1.5 MB of 384-dim vectors. */
const BLOCK_SHIFT = 10;
const BLOCK_ENTRIES = 1 << BLOCK_SHIFT;
const SLOT_MASK = BLOCK_ENTRIES - 1;

/**
 * Exact search over vectors stored back to back in blocks of 1,024 entries: a query is one dot
 * product per entry, and removal moves the last entry into the hole (swap-remove) so storage stays
 * contiguous. Fast enough up to a few thousand 384-dim entries (about 0.3 ms per 1k on one core).
 * The first block is allocated on the first `add` and grows by doubling, later blocks are
 * allocated whole, so a large index grows without copying what it holds; storage shrinks as
 * entries leave. An empty index costs a few hundred bytes: most namespaces hold few entries, and
 * many hold none for most of their life.
 */
export class FlatVectorIndex implements VectorIndex {
  readonly dimensions: number;
  private blocks: Float32Array[] = [];
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
      this.blockOf(existing).set(vector, this.offsetOf(existing));
      return;
    }
    const slot = this.ids.length;
    this.makeRoomFor(slot);
    this.blockOf(slot).set(vector, this.offsetOf(slot));
    this.ids.push(id);
    this.slotById.set(id, slot);
  }

  remove(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const lastSlot = this.ids.length - 1;
    if (slot !== lastSlot) {
      const lastId = this.ids[lastSlot]!;
      const from = this.offsetOf(lastSlot);
      this.blockOf(slot).set(
        this.blockOf(lastSlot).subarray(from, from + this.dimensions),
        this.offsetOf(slot),
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
    const ids = this.ids;
    for (let first = 0; first < ids.length; first += BLOCK_ENTRIES) {
      const block = this.blocks[first >>> BLOCK_SHIFT]!;
      const end = Math.min(ids.length, first + BLOCK_ENTRIES);
      for (let slot = first, offset = 0; slot < end; slot++, offset += dimensions) {
        top.offer(ids[slot]!, dotProduct(vector, 0, block, offset, dimensions));
      }
    }
  }

  /** Exact score of the entry stored under `id` against `vector`, or `undefined` if none is. */
  score(id: string, vector: Float32Array): number | undefined {
    const slot = this.slotById.get(id);
    if (slot === undefined) return undefined;
    return dotProduct(vector, 0, this.blockOf(slot), this.offsetOf(slot), this.dimensions);
  }

  /** Copies the vector stored under `id` into `target` at `offset`; false if no entry has that id. */
  copyVector(id: string, target: Float32Array, offset: number): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const start = this.offsetOf(slot);
    target.set(this.blockOf(slot).subarray(start, start + this.dimensions), offset);
    return true;
  }

  /** Visits every stored id. */
  forEachId(visit: (id: string) => void): void {
    for (const id of this.ids) visit(id);
  }

  private blockOf(slot: number): Float32Array {
    return this.blocks[slot >>> BLOCK_SHIFT]!;
  }

  private offsetOf(slot: number): number {
    return (slot & SLOT_MASK) * this.dimensions;
  }

  /** Allocates storage for `slot`, the next free one: the first block doubles, later ones come whole. */
  private makeRoomFor(slot: number): void {
    const block = slot >>> BLOCK_SHIFT;
    if (block < this.blocks.length) {
      const first = this.blocks[0]!;
      if (block === 0 && (slot + 1) * this.dimensions > first.length) {
        this.resizeFirstBlock(Math.min(BLOCK_ENTRIES, Math.max(MIN_CAPACITY, 2 * slot)));
      }
      return;
    }
    this.blocks.push(
      new Float32Array((block === 0 ? MIN_CAPACITY : BLOCK_ENTRIES) * this.dimensions),
    );
  }

  /**
   * Gives memory back as entries leave: a last block once the one before it is half empty too (so
   * an index that hovers at a block boundary does not allocate a block on every other add), and
   * the first block, once alone, when three quarters of it are unused.
   */
  private shrinkIfSparse(): void {
    const count = this.ids.length;
    if (count === 0) {
      this.blocks = [];
      return;
    }
    while (
      this.blocks.length > 1 &&
      count <= (this.blocks.length - 1) * BLOCK_ENTRIES - BLOCK_ENTRIES / 2
    ) {
      this.blocks.pop();
    }
    if (this.blocks.length === 1) {
      const capacity = this.blocks[0]!.length / this.dimensions;
      if (capacity > MIN_CAPACITY && count * 4 <= capacity) {
        this.resizeFirstBlock(Math.max(MIN_CAPACITY, 2 * count));
      }
    }
  }

  private resizeFirstBlock(capacity: number): void {
    const resized = new Float32Array(capacity * this.dimensions);
    const kept = Math.min(this.ids.length, capacity);
    resized.set(this.blocks[0]!.subarray(0, kept * this.dimensions));
    this.blocks[0] = resized;
  }
}
