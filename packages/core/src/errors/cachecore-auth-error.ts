import { CachecoreError, type CachecoreErrorOptions, hasMarker } from './cachecore-error';

const cachecoreAuthErrorMarker = Symbol.for('@cachecore/core/error/auth');

/**
 * The gateway refused the tenant token: `401` (missing, invalid, expired, wrong signature) or `403`
 * (not allowed). `code` is `'unauthorized'` or `'forbidden'`.
 *
 * @example
 * ```ts
 * if (CachecoreAuthError.isInstance(error)) console.error('check CACHECORE_TOKEN:', error.message);
 * ```
 */
export class CachecoreAuthError extends CachecoreError {
  readonly [cachecoreAuthErrorMarker] = true;

  constructor(message: string, options: CachecoreErrorOptions = {}) {
    super(message, { code: 'unauthorized', ...options });
    this.name = 'CachecoreAuthError';
  }

  /** Whether `value` is a `CachecoreAuthError` from any installed copy of `@cachecore/core`. */
  static override isInstance(value: unknown): value is CachecoreAuthError {
    return hasMarker(value, cachecoreAuthErrorMarker);
  }
}
