import { randomUUID } from 'node:crypto';
import type { CoordinationStore, RateWindow } from '../coordination-store';

/** Writes between two sweeps of the windows and locks that ran out. */
const WRITES_PER_SWEEP = 1000;

/**
 * Rate-limit windows and locks of one process, on the injected clock. Expired ones are forgotten
 * every thousand writes, so distinct keys (one window per client, one lock per request) never pile up.
 */
export function createMemoryCoordinationStore(now: () => number): CoordinationStore {
  const windows = new Map<string, RateWindow>();
  const locks = new Map<string, { owner: string; expiresAt: number }>();
  let writesSinceSweep = 0;

  function countWriteAndSweep(): void {
    writesSinceSweep += 1;
    if (writesSinceSweep < WRITES_PER_SWEEP) return;
    writesSinceSweep = 0;
    const current = now();
    for (const [key, window] of windows) {
      if (window.resetAt <= current) windows.delete(key);
    }
    for (const [key, lock] of locks) {
      if (lock.expiresAt <= current) locks.delete(key);
    }
  }

  return {
    async incrementWindow(key, windowMs) {
      countWriteAndSweep();
      const current = now();
      const windowStart = Math.floor(current / windowMs) * windowMs;
      const existing = windows.get(key);
      if (existing && existing.resetAt > current) {
        existing.count += 1;
        return { ...existing };
      }
      const fresh = { count: 1, resetAt: windowStart + windowMs };
      windows.set(key, fresh);
      return { ...fresh };
    },

    async acquireLock(key, ttlMs) {
      const existing = locks.get(key);
      if (existing && existing.expiresAt > now()) return null;
      countWriteAndSweep();
      const owner = randomUUID();
      locks.set(key, { owner, expiresAt: now() + ttlMs });
      return owner;
    },

    async releaseLock(key, owner) {
      if (locks.get(key)?.owner === owner) locks.delete(key);
    },

    async renewLock(key, owner, ttlMs) {
      const existing = locks.get(key);
      if (!existing || existing.owner !== owner || existing.expiresAt <= now()) return false;
      existing.expiresAt = now() + ttlMs;
      return true;
    },
  };
}
