const cachecoreErrorMarker = Symbol.for('@cachecore/core/error');

/**
 * Machine-readable reason carried by every {@link CachecoreError}. Known codes are listed; the type
 * stays open (`string & {}`) so newer versions of the package can add codes without breaking callers.
 */
export type CachecoreErrorCode =
  | 'invalid_deps'
  | 'invalid_options'
  | 'invalid_bypass'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'invalid_response'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'client_closed'
  | 'incompatible_sdk'
  | 'cachecore_error'
  | (string & {});

/** Options accepted by the {@link CachecoreError} constructor. */
export interface CachecoreErrorOptions {
  /**
   * Machine-readable reason, e.g. `'invalid_deps'` or `'timeout'`.
   * @default 'cachecore_error'
   */
  code?: CachecoreErrorCode;
  /** HTTP status of the gateway answer that caused the error, when there was one. */
  status?: number;
  /** The underlying error (network failure, abort reason, …). */
  cause?: unknown;
}

/**
 * Base class of every error raised by Cachecore packages.
 *
 * Use {@link CachecoreError.isInstance} rather than `instanceof`: it keeps working when two copies of
 * `@cachecore/core` end up installed side by side, because it checks a `Symbol.for` marker instead of
 * the class identity.
 *
 * @example
 * ```ts
 * try {
 *   await cc.invalidate('table:products');
 * } catch (error) {
 *   if (CachecoreError.isInstance(error)) console.error(error.code, error.status, error.message);
 * }
 * ```
 */
export class CachecoreError extends Error {
  /** Machine-readable reason, e.g. `'invalid_deps'`, `'timeout'`, `'rate_limited'`. */
  readonly code: CachecoreErrorCode;
  /** HTTP status of the gateway answer, when the error comes from one. */
  readonly status: number | undefined;
  override readonly cause: unknown;
  readonly [cachecoreErrorMarker] = true;

  constructor(message: string, options: CachecoreErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'CachecoreError';
    this.code = options.code ?? 'cachecore_error';
    this.status = options.status;
    this.cause = options.cause;
  }

  /** Whether `value` is a `CachecoreError` from any installed copy of `@cachecore/core`. */
  static isInstance(value: unknown): value is CachecoreError {
    return hasMarker(value, cachecoreErrorMarker);
  }
}

/** Whether `value` is an object carrying the given `Symbol.for` marker set to `true`. */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}
