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

  constructor(maxBytes: number) {
    this.#memo = new BoundedMemo(maxBytes, 'request_analyses');
    this.#enabled = maxBytes > 0;
  }

  /** The analysis of `rawBody`, from memory or by `analyze` (which may throw: nothing is kept). */
  analyze(rawBody: Buffer, analyze: (rawBody: Buffer) => Analysis): Analysis {
    if (rawBody.length > MAX_MEMOIZED_BODY_BYTES || !this.#enabled) return analyze(rawBody);
    // latin1 maps every byte to one character: a cheap, exact key for the bytes. The key, the
    // parsed body and the derived strings take about three times the raw size.
    return this.#memo.remember(
      rawBody.toString('latin1'),
      () => analyze(rawBody),
      () => rawBody.length * 3 + 256,
    );
  }

  /** Bytes held, estimated. */
  get usedBytes(): number {
    return this.#memo.usedBytes;
  }
}
