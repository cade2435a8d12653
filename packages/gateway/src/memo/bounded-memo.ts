/**
 * Values remembered by an exact string key within a byte budget, oldest first out: what the hit
 * path keeps of work that depends only on bytes it has seen before (a request body's analysis, a
 * stored answer's replay). Sizes are the caller's estimates; values must be treated as immutable.
 */
export class BoundedMemo<Value> {
  readonly #entries = new Map<string, { value: Value; bytes: number }>();
  readonly #maxBytes: number;
  #usedBytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /**
   * The value remembered under `key`, or `compute()`'s (which may throw: nothing is kept), kept
   * as `sizeOf(value)` bytes of the budget (key included). A value larger than the whole budget is
   * returned, not kept.
   */
  remember(key: string, compute: () => Value, sizeOf: (value: Value) => number): Value {
    const known = this.#entries.get(key);
    if (known) return known.value;
    const value = compute();
    const bytes = sizeOf(value);
    if (bytes > this.#maxBytes) return value;
    this.#entries.set(key, { value, bytes });
    this.#usedBytes += bytes;
    for (const [oldKey, entry] of this.#entries) {
      if (this.#usedBytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#usedBytes -= entry.bytes;
    }
    return value;
  }

  /** Bytes held, estimated. */
  get usedBytes(): number {
    return this.#usedBytes;
  }
}
