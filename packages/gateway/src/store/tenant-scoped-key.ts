/**
 * One string naming `key` within `tenantId`, for a map that holds several tenants' keys (an LRU
 * list must be one map): the tenant id's length comes first, so no other tenant and key can ever
 * spell the same string.
 */
export function tenantScopedKey(tenantId: string, key: string): string {
  return `${tenantId.length}:${tenantId}${key}`;
}
