/** One candidate returned by a vector search: the entry id and its cosine similarity to the query. */
export interface VectorMatch {
  id: string;
  /** Cosine similarity in [-1, 1] (vectors are unit length, so this is the dot product). */
  score: number;
}

/**
 * A per-namespace vector index. Implementations pick flat search for small sizes and an
 * approximate index for large ones; callers never need to know which.
 */
export interface VectorIndex {
  /** Length every stored and query vector must have. */
  readonly dimensions: number;
  /** Number of entries (ids) currently stored. */
  readonly size: number;
  /** Adds or replaces the vector stored under `id`. */
  add(id: string, vector: Float32Array): void;
  /** Removes `id`; unknown ids are ignored. Returns whether something was removed. */
  remove(id: string): boolean;
  /** Whether an entry is stored under `id`. */
  has(id: string): boolean;
  /** The `k` best matches, best first. */
  search(vector: Float32Array, k: number): VectorMatch[];
}

/** Why the semantic guards refused to serve a cached answer for a different prompt. */
export interface GuardVeto {
  /** Machine-readable guard name: `number`, `negation`, `entity`, `quoted` or `code`. */
  guard: string;
  /**
   * Human-readable detail for logs, `<what> differ: <only in cached> vs <only in incoming>`, e.g.
   * `numbers differ: 15% vs 25%` or `negations differ: none vs not`.
   */
  detail: string;
}
