/** Longest `Retry-After` honoured before giving up at once, in seconds. */
export const MAX_HONOURED_RETRY_AFTER_SECONDS = 10;

/**
 * Delay before retry number `retryIndex` (0-based) when the gateway sent no `Retry-After`:
 * exponential from 0.5 s, capped at 8 s, with up to 25 % jitter so that many clients rate-limited
 * together do not come back in lockstep.
 */
export function computeBackoffMilliseconds(retryIndex: number): number {
  const base = Math.min(500 * 2 ** retryIndex, 8_000);
  return base * (1 - Math.random() * 0.25);
}

/** Resolves after `milliseconds`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
