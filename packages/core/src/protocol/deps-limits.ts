// The bounds on dependency tags (PROTOCOL §1). Both sides enforce the same numbers: the client
// before sending, the gateway before a dep becomes a store index entry.

/** Longest dependency id, in UTF-8 bytes. */
export const MAX_DEP_ID_BYTES = 256;

/** Longest dependency hash (`expected_hash` in the deps header, `new_hash` of an invalidation), in UTF-8 bytes. */
export const MAX_DEP_HASH_BYTES = 256;

/** Most dependencies one request may carry. */
export const MAX_DEPS_PER_REQUEST = 64;

/** Largest encoded `X-Cachecore-Deps` value, in bytes (8 KiB). */
export const MAX_DEPS_HEADER_BYTES = 8 * 1024;

/** The hash of a dependency given without one. */
export const DEFAULT_DEP_HASH = 'v1';

/**
 * The implicit dependency every cache entry carries (PROTOCOL §5). Its expected hash is the tenant
 * token's `policy_version` claim, so neither a deps header nor an invalidation may name it.
 */
export const POLICY_VERSION_DEP_ID = 'cc:policy-version';

/** Whether a dependency id is reserved by the protocol ({@link POLICY_VERSION_DEP_ID}). */
export function isReservedDepId(depId: string): boolean {
  return depId === POLICY_VERSION_DEP_ID;
}
