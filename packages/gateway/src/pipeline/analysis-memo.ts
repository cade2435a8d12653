import { BoundedMemo } from '../memo/bounded-memo';

/** Bodies up to this size are remembered; larger ones are analysed every time. */
const MAX_MEMOIZED_BODY_BYTES = 16 * 1024;

/**
 * Remembers the analysis of request bodies by their exact bytes, within `maxBytes`: a repeated
 * request (what every L1 hit is) skips JSON parsing, canonicalisation and the body hash. The key
 * is the raw body itself, so only a byte-identical body shares an analysis; analyses must be
 * treated as immutable by their users. Oldest first out.
 */
export class AnalysisMemo<Analysis> {
  readonly #memo: BoundedMemo<Analysis>;
  readonly #enabled: boolean;
  readonly #analyze: (rawBody: Buffer) => Analysis;

  /**
   * @param maxBytes what the remembered analyses may take, estimated; 0 remembers nothing.
   * @param analyze the analysis of a raw body, which may throw (nothing is kept then).
   */
  constructor(maxBytes: number, analyze: (rawBody: Buffer) => Analysis) {
    this.#memo = new BoundedMemo(maxBytes, 'request_analyses');
    this.#enabled = maxBytes > 0;
    this.#analyze = analyze;
  }

  /** The analysis of `rawBody`, from memory or computed (and then remembered). */
  analyze(rawBody: Buffer): Analysis {
    if (rawBody.length > MAX_MEMOIZED_BODY_BYTES || !this.#enabled) return this.#analyze(rawBody);
    // latin1 maps every byte to one character: a cheap, exact key for the bytes.
    const key = rawBody.toString('latin1');
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const analysis = this.#analyze(rawBody);
    // The key, the parsed body and the derived strings take about three times the raw size.
    this.#memo.set(key, analysis, rawBody.length * 3 + 256);
    return analysis;
  }

  /** Bytes held, estimated. */
  get usedBytes(): number {
    return this.#memo.usedBytes;
  }
}
