const redisStoreErrorMarker = Symbol.for('@cachecore/gateway/error/redis-store');

/**
 * Why a Redis store call failed: `store_unavailable` when Redis cannot be reached in time (down,
 * restarting, unreachable, a command timed out), `store_failed` when Redis answered with an error.
 */
export type RedisStoreErrorCode = 'store_unavailable' | 'store_failed';

/**
 * The error every Redis store method rejects with. Callers treat it as "the shared cache is not
 * usable right now" and serve the request uncached.
 *
 * @example
 * try {
 *   await store.getEntry(key);
 * } catch (error) {
 *   if (RedisStoreError.isInstance(error) && error.code === 'store_unavailable') callUpstreamUncached();
 * }
 */
export class RedisStoreError extends Error {
  /** Machine-readable reason. */
  readonly code: RedisStoreErrorCode;
  /** The store method that failed, e.g. `getEntry`. */
  readonly operation: string;
  override readonly cause: unknown;
  readonly [redisStoreErrorMarker] = true;

  constructor(operation: string, code: RedisStoreErrorCode, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'RedisStoreError';
    this.code = code;
    this.operation = operation;
    this.cause = cause;
  }

  /** Whether `value` is a `RedisStoreError` from any installed copy of the gateway. */
  static isInstance(value: unknown): value is RedisStoreError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[redisStoreErrorMarker] === true
    );
  }
}
