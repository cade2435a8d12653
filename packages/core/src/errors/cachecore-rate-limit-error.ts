import { CachecoreError, type CachecoreErrorOptions, hasMarker } from './cachecore-error';

const cachecoreRateLimitErrorMarker = Symbol.for('@cachecore/core/error/rate-limit');

/** Options accepted by the {@link CachecoreRateLimitError} constructor. */
export interface CachecoreRateLimitErrorOptions extends CachecoreErrorOptions {
  /**
   * Seconds the gateway asked to wait (`Retry-After`), or `null` when it did not say.
   * @default null
   */
  retryAfter?: number | null;
}

/**
 * The gateway answered `429 Too Many Requests`. `retryAfter` holds the seconds from the
 * `Retry-After` header, or `null` when the header was absent or unreadable.
 *
 * @example
 * ```ts
 * if (CachecoreRateLimitError.isInstance(error) && error.retryAfter !== null) {
 *   await new Promise((resolve) => setTimeout(resolve, error.retryAfter! * 1000));
 * }
 * ```
 */
export class CachecoreRateLimitError extends CachecoreError {
  /** Seconds the gateway asked to wait before retrying, or `null` when it did not say. */
  readonly retryAfter: number | null;
  readonly [cachecoreRateLimitErrorMarker] = true;

  constructor(message: string, options: CachecoreRateLimitErrorOptions = {}) {
    super(message, { code: 'rate_limited', status: 429, ...options });
    this.name = 'CachecoreRateLimitError';
    this.retryAfter = options.retryAfter ?? null;
  }

  /** Whether `value` is a `CachecoreRateLimitError` from any installed copy of `@cachecore/core`. */
  static override isInstance(value: unknown): value is CachecoreRateLimitError {
    return hasMarker(value, cachecoreRateLimitErrorMarker);
  }
}
