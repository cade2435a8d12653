import { RedisStoreError } from '../store/redis/redis-store-error';
import { GatewayHttpError } from './gateway-http-error';

/**
 * The error a request is answered with: a `GatewayHttpError` as it is, an unavailable store as a
 * 503 the client may retry, anything else as a 500 that leaks no internals.
 */
export function toGatewayHttpError(error: unknown): GatewayHttpError {
  if (error instanceof GatewayHttpError) return error;
  if (RedisStoreError.isInstance(error)) {
    return new GatewayHttpError(
      503,
      'The cache store is unavailable; retry shortly (chat completions are still answered, uncached).',
      { code: 'store_unavailable', cause: error },
    );
  }
  return new GatewayHttpError(500, 'The gateway failed to handle the request.', { cause: error });
}
