import { sha256Hex, stringifyCanonical } from './canonical-body';

/** Inputs of a cache namespace (PROTOCOL §5, plus the embedder identity). */
export interface NamespaceInputs {
  tenantId: string;
  /** Roles, scopes and permissions of the token, in any order. */
  permissions: readonly string[];
  systemText: string;
  toolsJson: string;
  policyVersion: string;
  /** Id of the L2 embedder, so vectors of different embedders never meet. */
  embedderId: string;
}

/**
 * SHA-256 over tenant id, permission hash, system-prompt fingerprint, toolset fingerprint, policy
 * version and embedder id. Two tenants (or two system prompts, toolsets, ...) never share entries.
 */
export function computeNamespace(inputs: NamespaceInputs): string {
  const permissionHash = sha256Hex(stringifyCanonical([...new Set(inputs.permissions)].sort()));
  return sha256Hex(
    stringifyCanonical([
      'cachecore-namespace-v1',
      inputs.tenantId,
      permissionHash,
      sha256Hex(inputs.systemText),
      sha256Hex(inputs.toolsJson),
      inputs.policyVersion,
      inputs.embedderId,
    ]),
  );
}
