/**
 * Values remembered by an exact string key within a byte budget, oldest first out: what the hit
 * path keeps of work that depends only on bytes it has seen before (a request body's analysis, a
 * stored answer's replay). Sizes are the caller's estimates; values must be treated as immutable.
 */
export class BoundedMemo<Value> {
  readonly #entries = new Map<string, { value: Value; bytes: number }>();
  readonly #maxBytes: number;
  #usedBytes = 0;

  /**
   * @param maxBytes what the memo may hold, by its values' estimated sizes.
   * @param part what the memo is counted as among the process's memos (see
   *   {@link readMemoUsage}); an unnamed memo is not counted.
   */
  constructor(maxBytes: number, part?: string) {
    this.#maxBytes = maxBytes;
    if (part !== undefined) countedMemos.add({ part, memo: this });
  }

  #evictOverBudget(): void {
    for (const [oldKey, entry] of this.#entries) {
      if (this.#usedBytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#usedBytes -= entry.bytes;
    }
  }

  /** The value held under `key`, if any (reading it does not make it younger). */
  get(key: string): Value | undefined {
    return this.#entries.get(key)?.value;
  }

  /**
   * Holds `value` under `key` as `bytes` of the budget, replacing what the key held (the oldest
   * values leave when over budget). A value larger than the whole budget is not kept, and
   * whatever the key held is dropped.
   */
  set(key: string, value: Value, bytes: number): void {
    this.delete(key);
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { value, bytes });
    this.#usedBytes += bytes;
    this.#evictOverBudget();
  }

  /** Forgets what `key` held. */
  delete(key: string): void {
    const known = this.#entries.get(key);
    if (!known) return;
    this.#entries.delete(key);
    this.#usedBytes -= known.bytes;
  }

  /** Bytes held, estimated. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** The bytes it may hold. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Values held. */
  get size(): number {
    return this.#entries.size;
  }
}

/** Every named memo of the process; memos live as long as the modules that create them. */
const countedMemos = new Set<{ part: string; memo: BoundedMemo<unknown> }>();

/** What one named memo holds, for the memory gauges. */
export interface MemoUsage {
  part: string;
  usedBytes: number;
  maxBytes: number;
  values: number;
}

/**
 * What every named memo of the process holds (body analyses, SSE replays, hot Redis entries).
 * They are shared by every gateway of the process and come on top of `--max-memory-mb`, which
 * bounds the cache itself.
 */
export function readMemoUsage(): MemoUsage[] {
  return [...countedMemos].map(({ part, memo }) => ({
    part,
    usedBytes: memo.usedBytes,
    maxBytes: memo.maxBytes,
    values: memo.size,
  }));
}
