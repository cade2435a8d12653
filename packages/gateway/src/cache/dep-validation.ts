import { POLICY_VERSION_DEP_ID } from '@cachecore/core/protocol';
import type { DepTag, Store } from '../store/store';

/**
 * The deps a request writes with: its header deps plus `cc:policy-version` (PROTOCOL §5), whose
 * expected hash is the token's policy version; the header can never name it (the decoder refuses
 * the reserved id). When the header names a dep twice, the last hash wins.
 */
export function collectRequestDeps(headerDeps: readonly DepTag[], policyVersion: string): DepTag[] {
  if (headerDeps.length === 0) return policyVersionOnly(policyVersion);
  const byId = new Map<string, string>();
  for (const dep of headerDeps) byId.set(dep.depId, dep.expectedHash);
  byId.set(POLICY_VERSION_DEP_ID, policyVersion);
  return [...byId].map(([depId, expectedHash]) => ({ depId, expectedHash }));
}

/** Policy versions whose deps-only-the-policy list is kept; beyond it the lists are rebuilt. */
const POLICY_ONLY_LISTS = 1024;
const policyOnlyLists = new Map<string, DepTag[]>();

/**
 * The deps of a request that names none: only `cc:policy-version`. Kept per version (most
 * requests name no deps and tenants share few versions); frozen, as every caller only reads it.
 */
function policyVersionOnly(policyVersion: string): DepTag[] {
  let deps = policyOnlyLists.get(policyVersion);
  if (!deps) {
    if (policyOnlyLists.size >= POLICY_ONLY_LISTS) policyOnlyLists.clear();
    deps = Object.freeze([
      Object.freeze({ depId: POLICY_VERSION_DEP_ID, expectedHash: policyVersion }),
    ]) as DepTag[];
    policyOnlyLists.set(policyVersion, deps);
  }
  return deps;
}

/**
 * Whether every tag matches the tenant's current hash. A dep that was never invalidated has no
 * current hash and accepts any expected hash.
 */
export async function areDepsCurrent(
  store: Store,
  tenantId: string,
  deps: readonly DepTag[],
): Promise<boolean> {
  if (deps.length === 0) return true;
  const current = await store.getDepHashes(
    tenantId,
    deps.map((dep) => dep.depId),
  );
  return deps.every((dep, index) => {
    const hash = current[index];
    return hash === undefined || hash === dep.expectedHash;
  });
}

/**
 * Whether a cached entry may answer a request: every entry tag is current, and the request does
 * not expect a different hash for a dep the entry is tagged with (without an invalidation, two
 * clients may disagree about a dep's version; neither is served the other's answer).
 */
export async function canServeEntry(
  store: Store,
  tenantId: string,
  entryDeps: readonly DepTag[],
  requestDeps: readonly DepTag[],
): Promise<boolean> {
  const entryHashes = new Map(entryDeps.map((dep) => [dep.depId, dep.expectedHash]));
  for (const dep of requestDeps) {
    const tagged = entryHashes.get(dep.depId);
    if (tagged === undefined || tagged !== dep.expectedHash) return false;
  }
  return areDepsCurrent(store, tenantId, entryDeps);
}
