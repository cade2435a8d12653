import { CachecoreError } from '../errors/cachecore-error';
import type { InvalidateResult, InvalidateSuccess } from './invalidate-dep';

/** How many invalidation calls `invalidateMany` keeps in flight at once. */
export const INVALIDATE_MANY_CONCURRENCY = 8;

/**
 * Runs one invalidation per dependency id, at most {@link INVALIDATE_MANY_CONCURRENCY} at a time
 * (the gateway has no bulk endpoint), and reports each outcome in input order. Never rejects
 * because one dependency failed: its result is `{ depId, ok: false, error }` instead.
 */
export async function invalidateManyDeps(
  depIds: readonly string[],
  invalidateOne: (depId: string) => Promise<InvalidateSuccess>,
): Promise<InvalidateResult[]> {
  const results: InvalidateResult[] = new Array(depIds.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < depIds.length) {
      const index = nextIndex++;
      const depId = depIds[index]!;
      try {
        results[index] = await invalidateOne(depId);
      } catch (error) {
        results[index] = { depId, ok: false, error: toCachecoreError(error, depId) };
      }
    }
  };
  const workerCount = Math.min(INVALIDATE_MANY_CONCURRENCY, depIds.length);
  await Promise.all(Array.from({ length: workerCount }, worker));
  return results;
}

function toCachecoreError(error: unknown, depId: string): CachecoreError {
  if (CachecoreError.isInstance(error)) return error;
  return new CachecoreError(`Invalidating "${depId}" failed: ${String(error)}`, {
    code: 'network',
    cause: error,
  });
}
