import type { ClaimValue } from '../auth/tenant-claims';
import { sha256Hex, stringifyCanonical } from './canonical-body';

/** Inputs of a cache namespace (PROTOCOL §5, plus the embedder identity). */
export interface NamespaceInputs {
  tenantId: string;
  /** Roles, scopes and permissions of the token, in any order (strings or other JSON values). */
  permissions: readonly ClaimValue[];
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
  const permissionHash = sha256Hex(hashablePermissions(inputs.permissions));
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

/**
 * The permissions as hashed: strings as a sorted set, written as they always were (a token with
 * string roles keeps its namespace and cached entries); other values as a sorted set of their
 * canonical JSON, next to the strings in an object, so `[1]`, `["1"]`, `[true]` and
 * `{"admin": true}` never meet each other or a token without roles.
 */
function hashablePermissions(permissions: readonly ClaimValue[]): string {
  const strings = new Set<string>();
  const typed = new Set<string>();
  for (const permission of permissions) {
    if (typeof permission === 'string') strings.add(permission);
    else typed.add(stringifyCanonical(permission));
  }
  const sortedStrings = [...strings].sort();
  if (typed.size === 0) return stringifyCanonical(sortedStrings);
  return stringifyCanonical({ strings: sortedStrings, typed: [...typed].sort() });
}
