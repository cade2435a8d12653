import type { CacheEntry } from '../store/store';

/** Fresh and stale durations in seconds after per-tenant overrides. */
export interface TtlPolicy {
  freshTtlSecs: number;
  staleWindowSecs: number;
}

/** How an entry may be served at a given time. */
export type EntryFreshness = 'fresh' | 'stale' | 'expired';

/** The gateway defaults, overridden by the token's claims when present. */
export function resolveTtlPolicy(
  defaults: TtlPolicy,
  overrides: { freshTtlSecs?: number; staleWindowSecs?: number },
): TtlPolicy {
  return {
    freshTtlSecs: overrides.freshTtlSecs ?? defaults.freshTtlSecs,
    staleWindowSecs: overrides.staleWindowSecs ?? defaults.staleWindowSecs,
  };
}

/** Lifetime timestamps of an entry written at `createdAt`. */
export function computeLifetime(
  policy: TtlPolicy,
  createdAt: number,
): { freshUntil: number; expiresAt: number } {
  const freshUntil = createdAt + policy.freshTtlSecs * 1000;
  return { freshUntil, expiresAt: freshUntil + policy.staleWindowSecs * 1000 };
}

/** Whether an entry is fresh (`HIT_L1`), stale (`HIT_L1_STALE` + refresh) or gone. */
export function classifyFreshness(entry: CacheEntry, now: number): EntryFreshness {
  if (now < entry.freshUntil) return 'fresh';
  if (now < entry.expiresAt) return 'stale';
  return 'expired';
}

/** Whole seconds since the entry was written (never negative). */
export function entryAgeSeconds(entry: CacheEntry, now: number): number {
  return Math.max(0, Math.floor((now - entry.createdAt) / 1000));
}
