import { GatewayHttpError } from '../errors/gateway-http-error';
import type { Store } from '../store/store';

const MINUTE_MS = 60_000;

/**
 * Counts a request against a per-minute budget kept in the store (so all gateway instances share
 * it) and throws a 429 with `Retry-After` (seconds until the window resets) once it is spent.
 * A budget of 0 or less, or `undefined`, is unlimited. When the store is unavailable the request
 * passes (fail open).
 */
export async function enforceRateLimit(
  store: Store,
  subject: string,
  requestsPerMinute: number | undefined,
  now: () => number,
  description: string,
): Promise<void> {
  if (requestsPerMinute === undefined || requestsPerMinute <= 0) return;
  let window: Awaited<ReturnType<Store['incrementWindow']>>;
  try {
    window = await store.incrementWindow(`rl:${subject}`, MINUTE_MS);
  } catch {
    // Fail open: an unavailable store must not turn into refused requests.
    return;
  }
  if (window.count <= requestsPerMinute) return;
  const retryAfter = Math.max(1, Math.ceil((window.resetAt - now()) / 1000));
  throw new GatewayHttpError(
    429,
    `Rate limit of ${requestsPerMinute} requests per minute reached for ${description}; retry in ${retryAfter} s.`,
    { headers: { 'retry-after': String(retryAfter) } },
  );
}
