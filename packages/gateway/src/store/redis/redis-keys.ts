/**
 * The key layout of the Redis store, all under one prefix so several deployments (or test runs)
 * can share a Redis database and `SCAN prefix*` finds everything of one:
 *
 * | key                                   | type   | holds                                          |
 * | ------------------------------------- | ------ | ---------------------------------------------- |
 * | `{p}entry:{key}`                      | hash   | `body`, `meta` (entry JSON without body), the sets it is in, its vector |
 * | `{p}tenant:keys:{tenant}`             | set    | entry keys of a tenant (flush, count)          |
 * | `{p}dep:keys:{tenant}:{dep_id}`       | set    | entry keys tagged with a dep                   |
 * | `{p}dep:hash:{tenant}`                | hash   | dep id → current hash; expires after the tenant's last entry |
 * | `{p}vec:{indexKey}`                   | hash   | vector id → packed vector (entry key, text, Float32 LE) |
 * | `{p}window:{key}:{windowStart}`       | string | rate-limit window counter                      |
 * | `{p}lock:{key}`                       | string | single-flight lock owner                       |
 * | `{p}stats:scope:{scope}` / `{p}stats:scopes` | hash / set | statistics counters, and the scopes that have some |
 * | `{p}l2` (channel)                     | pub/sub| vector-added / vector-removed notifications    |
 *
 * Tenant ids are escaped (`%` and `:`) where another part follows them, so `a:b` + `c` and `a` +
 * `b:c` never share a dep set. A name that ends with a free-form part never meets another kind's
 * name either: each kind's fixed part ends with `:` (`stats:scope:` cannot be `stats:scopes`).
 */
export interface RedisKeys {
  readonly prefix: string;
  entry(key: string): string;
  /** Prefix of every entry key, for scripts that hold raw entry keys. */
  readonly entryPrefix: string;
  tenantKeys(tenantId: string): string;
  depKeys(tenantId: string, depId: string): string;
  depHashes(tenantId: string): string;
  vectors(indexKey: string): string;
  rateWindow(key: string): string;
  lock(key: string): string;
  stats(scope: string): string;
  readonly statScopes: string;
  readonly changesChannel: string;
}

/** Builds the key names of a store using `prefix`. */
export function createRedisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    entry: (key) => `${prefix}entry:${key}`,
    entryPrefix: `${prefix}entry:`,
    tenantKeys: (tenantId) => `${prefix}tenant:keys:${escapeKeyPart(tenantId)}`,
    depKeys: (tenantId, depId) => `${prefix}dep:keys:${escapeKeyPart(tenantId)}:${depId}`,
    depHashes: (tenantId) => `${prefix}dep:hash:${escapeKeyPart(tenantId)}`,
    vectors: (indexKey) => `${prefix}vec:${indexKey}`,
    rateWindow: (key) => `${prefix}window:${key}`,
    lock: (key) => `${prefix}lock:${key}`,
    stats: (scope) => `${prefix}stats:scope:${scope}`,
    statScopes: `${prefix}stats:scopes`,
    changesChannel: `${prefix}l2`,
  };
}

/** Percent-escapes `%` and `:` so a key part cannot imitate a separator. */
export function escapeKeyPart(part: string): string {
  return part.replace(/[%:]/g, (character) => (character === '%' ? '%25' : '%3A'));
}
