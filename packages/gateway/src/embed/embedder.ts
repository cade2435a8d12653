/**
 * Turns prompt text into unit-length vectors for the semantic cache (L2).
 *
 * The embedder's `id` is hashed into the cache namespace, so vectors made by different embedders
 * (or different models/dimensions of one embedder) never meet in one index.
 */
export interface Embedder {
  /** Stable identity, e.g. `hash-v1-384` or `openai:text-embedding-3-small:384`. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /** The similarity threshold calibrated for this embedder, used when none is configured. */
  readonly defaultThreshold: number;
  /** Embeds each text; every returned vector has length `dimensions` and L2 norm 1 (or is all zeros for empty text). */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
