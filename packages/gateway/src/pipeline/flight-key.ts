import { sha256Hex } from '../cache/canonical-body';
import type { CacheableRequest } from './identify';

/**
 * The single-flight key of a miss: its L1 key and its deps (ids and expected hashes, in a fixed
 * order). Two requests share one upstream call only when the answer may be stored for both.
 */
export function flightKeyOf(cacheable: CacheableRequest): string {
  const deps = cacheable.deps
    .map((dep) => `${dep.depId.length}:${dep.depId}=${dep.expectedHash}`)
    .sort()
    .join(';');
  return `${cacheable.l1Key}:${sha256Hex(deps)}`;
}
