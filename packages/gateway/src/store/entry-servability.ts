import type { CacheEntry, DepTag } from './entry-store';

/**
 * Whether `entry` may answer a request expecting `requestDeps` at `now`: not expired, every tag
 * current (`currentHash` gives `undefined` for a dep never invalidated, which accepts any hash),
 * and no request dep expecting another hash than the entry's tag (two clients may disagree about a
 * dep's version before any invalidation; neither is served the other's answer). Returns how it is
 * served, or `undefined`.
 */
export function classifyServableEntry(
  entry: CacheEntry,
  requestDeps: readonly DepTag[],
  now: number,
  currentHash: (depId: string) => string | undefined,
): 'fresh' | 'stale' | undefined {
  if (now >= entry.expiresAt) return undefined;
  const tagged = new Map(entry.deps.map((dep) => [dep.depId, dep.expectedHash]));
  if (requestDeps.some((dep) => tagged.get(dep.depId) !== dep.expectedHash)) return undefined;
  for (const [depId, expectedHash] of tagged) {
    const current = currentHash(depId);
    if (current !== undefined && current !== expectedHash) return undefined;
  }
  return now < entry.freshUntil ? 'fresh' : 'stale';
}
