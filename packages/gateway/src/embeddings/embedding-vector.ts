/**
 * Embedding vectors as the cache keeps them and as the OpenAI API sends them. The cache stores one
 * form (little-endian float32, base64) and serves both: `encoding_format: "float"` (a JSON array of
 * numbers) and `"base64"` (the same float32 bytes, which is what the API itself sends for base64).
 */

/** A vector from an upstream answer item: a JSON array of numbers or base64 float32 bytes. */
export function readEmbedding(value: unknown): Float32Array | undefined {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.byteLength % 4 !== 0) return undefined;
    const vector = new Float32Array(bytes.byteLength / 4);
    for (let index = 0; index < vector.length; index++)
      vector[index] = bytes.readFloatLE(index * 4);
    return vector;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) return undefined;
  return Float32Array.from(value as number[]);
}

/** The base64 of a vector's float32 bytes, little-endian (the API's `base64` encoding). */
export function encodeEmbeddingBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes.toString('base64');
}

/** The vector in the form the client asked for. */
export function formatEmbedding(vector: Float32Array, encoding: 'float' | 'base64'): unknown {
  return encoding === 'base64' ? encodeEmbeddingBase64(vector) : Array.from(vector);
}
