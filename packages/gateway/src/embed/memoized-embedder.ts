import type { Embedder } from './embedder';

/**
 * Wraps an embedder with a bounded in-memory cache per text (least recently used out), for texts
 * that come back: the L2 judgement embeds the differing parts of cached prompts (usually their
 * questions) on every lookup that meets them. Same `id`, dimensions and threshold as the embedder.
 *
 * @example
 * const parts = memoizeEmbedder(createHashEmbedder(), { maxEntries: 4096 });
 * await parts.embed(['Question: when?']); // embedded
 * await parts.embed(['Question: when?']); // from memory
 */
export function memoizeEmbedder(embedder: Embedder, options: { maxEntries: number }): Embedder {
  const vectors = new Map<string, Float32Array>();
  const remember = (text: string, vector: Float32Array) => {
    vectors.delete(text);
    vectors.set(text, vector);
    if (vectors.size > options.maxEntries) vectors.delete(vectors.keys().next().value!);
  };
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    defaultThreshold: embedder.defaultThreshold,
    async embed(texts, signal) {
      const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
      if (missing.length > 0) {
        const embedded = await embedder.embed(missing, signal);
        missing.forEach((text, index) => {
          const vector = embedded[index];
          if (!vector) throw new Error('The embedder returned fewer vectors than texts.');
          remember(text, vector);
        });
      }
      return texts.map((text) => {
        const vector = vectors.get(text)!;
        remember(text, vector);
        return vector;
      });
    },
  };
}
