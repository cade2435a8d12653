import type { TenantIdentity } from '../auth/tenant-claims';
import { computeNamespace } from './namespace';

/** System prompt × toolset combinations remembered per tenant identity. */
const COMBINATIONS_PER_IDENTITY = 64;

/**
 * Remembers namespaces by their exact inputs, so a hot tenant does not pay four SHA-256 digests
 * (permissions, system prompt, tools, namespace) on every request. Keyed by the verified identity
 * object (the token verifier hands out the same object for the same token, and a `WeakMap` lets it
 * go with the verifier's cache), then by the system prompt and tools text themselves, so a
 * different prompt can never get another's namespace. Bounded per identity.
 */
export function createNamespaceMemo(
  embedderId: string,
): (identity: TenantIdentity, systemText: string, toolsJson: string) => string {
  const byIdentity = new WeakMap<TenantIdentity, Map<string, Map<string, string>>>();
  return (identity, systemText, toolsJson) => {
    let bySystem = byIdentity.get(identity);
    if (!bySystem) {
      bySystem = new Map();
      byIdentity.set(identity, bySystem);
    }
    let byTools = bySystem.get(systemText);
    if (!byTools) {
      if (bySystem.size >= COMBINATIONS_PER_IDENTITY) bySystem.clear();
      byTools = new Map();
      bySystem.set(systemText, byTools);
    }
    let namespace = byTools.get(toolsJson);
    if (namespace === undefined) {
      if (byTools.size >= COMBINATIONS_PER_IDENTITY) byTools.clear();
      namespace = computeNamespace({
        tenantId: identity.tenantId,
        permissions: identity.permissions,
        systemText,
        toolsJson,
        policyVersion: identity.policyVersion,
        embedderId,
      });
      byTools.set(toolsJson, namespace);
    }
    return namespace;
  };
}
