/**
 * What gateway instances coordinate through: fixed rate-limit windows and single-flight locks.
 * Both expire by themselves, so nothing here needs cleaning up after a crash.
 */
export interface CoordinationStore {
  /**
   * Counts one event in the fixed window of `windowMs` that contains now. Returns the count so far
   * in this window (including this one) and when the window resets (epoch ms).
   */
  incrementWindow(key: string, windowMs: number): Promise<RateWindow>;
  /**
   * Tries to take an exclusive lock that expires by itself after `ttlMs` (so a crashed holder does
   * not block others forever). Returns an owner token when taken, `null` when someone holds it.
   */
  acquireLock(key: string, ttlMs: number): Promise<string | null>;
  /** Releases a lock if `owner` still holds it. */
  releaseLock(key: string, owner: string): Promise<void>;
  /**
   * Extends a lock `owner` still holds to expire `ttlMs` from now: a lease its holder keeps alive
   * while it works, so that a holder that dies frees the lock within one short lease. Returns
   * false when `owner` no longer holds it. Optional: without it, locks are taken for the whole
   * upstream timeout instead.
   */
  renewLock?(key: string, owner: string, ttlMs: number): Promise<boolean>;
}

/** State of one rate-limit window. */
export interface RateWindow {
  count: number;
  /** When the window resets (epoch ms). */
  resetAt: number;
}
