/** Bodies up to this size are remembered; larger ones are analysed every time. */
const MAX_MEMOIZED_BODY_BYTES = 16 * 1024;

/**
 * Remembers the analysis of request bodies by their exact bytes, within `maxBytes`: a repeated
 * request (what every L1 hit is) skips JSON parsing, canonicalisation and the body hash. The key
 * is the raw body itself, so only a byte-identical body shares an analysis; analyses must be
 * treated as immutable by their users. Oldest first out.
 */
export class AnalysisMemo<Analysis> {
  readonly #entries = new Map<string, { analysis: Analysis; bytes: number }>();
  readonly #maxBytes: number;
  #usedBytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The analysis of `rawBody`, from memory or by `analyze` (which may throw: nothing is kept). */
  analyze(rawBody: Buffer, analyze: (rawBody: Buffer) => Analysis): Analysis {
    if (rawBody.length > MAX_MEMOIZED_BODY_BYTES || this.#maxBytes <= 0) return analyze(rawBody);
    // latin1 maps every byte to one character: a cheap, exact key for the bytes.
    const key = rawBody.toString('latin1');
    const known = this.#entries.get(key);
    if (known) return known.analysis;
    const analysis = analyze(rawBody);
    // The key, the parsed body and the derived strings: about three times the raw size.
    const bytes = rawBody.length * 3 + 256;
    this.#entries.set(key, { analysis, bytes });
    this.#usedBytes += bytes;
    for (const [oldKey, entry] of this.#entries) {
      if (this.#usedBytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#usedBytes -= entry.bytes;
    }
    return analysis;
  }

  /** Bytes held, estimated. */
  get usedBytes(): number {
    return this.#usedBytes;
  }
}
