import type { GatewayContext } from '../gateway-context';

/**
 * How long a flight's lock lives without renewal: a leader that dies (crash, SIGKILL) frees it
 * within this, while a live one renews it every third of it for as long as it works.
 */
export const FLIGHT_LEASE_MS = 3_000;

/** A held flight lock; `release()` frees it at once (done, failed or aborted alike). */
export interface FlightLease {
  release(): Promise<void>;
}

/**
 * Takes the cross-instance lock of a flight as a lease, or `undefined` when another instance holds
 * it. A store without `renewLock` gets the lock for the whole upstream timeout instead.
 */
export async function takeFlightLease(
  context: GatewayContext,
  lockKey: string,
): Promise<FlightLease | undefined> {
  const { store } = context;
  const renewable = store.renewLock !== undefined;
  const ttlMs = renewable ? FLIGHT_LEASE_MS : context.settings.upstreamTimeoutMs;
  const owner = await store.acquireLock(lockKey, ttlMs);
  if (!owner) return undefined;
  const renewal = renewable
    ? setInterval(() => {
        store.renewLock?.(lockKey, owner, FLIGHT_LEASE_MS).catch((error: unknown) => {
          context.logger.debug('flight lease renewal failed', { error: (error as Error).message });
        });
      }, FLIGHT_LEASE_MS / 3)
    : undefined;
  renewal?.unref();
  return {
    async release() {
      clearInterval(renewal);
      await store.releaseLock(lockKey, owner).catch(() => {});
    },
  };
}
