/**
 * Seeded vector generators shared by the vector index tests: uniform random unit vectors, clustered
 * ones (like embeddings of related prompts), and noisy copies (a near-duplicate prompt).
 */
export function createRandomSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 1) / 4294967297;
  };
}

export function createGaussianSource(seed: number): () => number {
  const uniform = createRandomSource(seed);
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
  return vector;
}

export function createRandomVectors(
  count: number,
  dimensions: number,
  seed: number,
): Float32Array[] {
  const gaussian = createGaussianSource(seed);
  return Array.from({ length: count }, () =>
    normalize(Float32Array.from({ length: dimensions }, gaussian)),
  );
}

/** Vectors around `clusters` random centres; `spread` is the per-dimension noise. */
export function createClusteredVectors(
  count: number,
  dimensions: number,
  seed: number,
  clusters = 100,
  spread = 0.06,
): Float32Array[] {
  const gaussian = createGaussianSource(seed);
  const uniform = createRandomSource(seed + 1);
  const centres = createRandomVectors(clusters, dimensions, seed + 2);
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(uniform() * clusters)]!;
    return normalize(Float32Array.from(centre, (value) => value + spread * gaussian()));
  });
}

/** A copy of `vector` with noise, still close to it (cosine about 0.9–0.95 at noise 0.015 in 384 dims). */
export function perturb(vector: Float32Array, noise: number, gaussian: () => number): Float32Array {
  return normalize(Float32Array.from(vector, (value) => value + noise * gaussian()));
}

/** The exact best match by brute force. */
export function findExactBest(
  vectors: ReadonlyMap<string, Float32Array>,
  query: Float32Array,
): { id: string; score: number } {
  let best = { id: '', score: Number.NEGATIVE_INFINITY };
  for (const [id, vector] of vectors) {
    let score = 0;
    for (let index = 0; index < query.length; index++) score += query[index]! * vector[index]!;
    if (score > best.score) best = { id, score };
  }
  return best;
}
