/**
 * The key layout of the Redis store, all under one prefix `p` so several deployments (or test
 * runs) can share a Redis database and `SCAN p*` finds everything of one. Every key of one tenant
 * carries the tenant's hash tag `{t}` (the escaped tenant id in braces) right after the prefix, so
 * on Redis Cluster all of a tenant's keys live in one hash slot and every script touches one slot:
 *
 * | key                          | type   | holds                                                  |
 * | ---------------------------- | ------ | ------------------------------------------------------ |
 * | `p{t}:entry:<key>`           | hash   | `body`, `meta` (entry JSON without body), `stamp` (its version), `chk` (what the lookup checks), the sets it is in, its vector |
 * | `p{t}:keys`                  | set    | entry keys of the tenant (flush, count)                |
 * | `p{t}:dep:keys:<dep id>`     | set    | entry keys of the tenant tagged with a dep             |
 * | `p{t}:dep:hash`              | hash   | dep id → current hash; expires after the tenant's last entry |
 * | `p{t}:vec:<index key>`       | hash   | vector id → packed vector (entry key, text, Float32 LE) |
 * | `p{t}:stats`                 | hash   | statistics counters of a scope (a tenant, or `*bypass`) |
 * | `p{w}:window:<window start>` | string | rate-limit window counter; `{w}` is the escaped limit key |
 * | `plock:<key>`                | string | single-flight lock owner, in the slot of its key       |
 * | `pstats:scopes`              | set    | the scopes that have statistics (a slot of its own)    |
 * | `pl2` (channel)              | pub/sub| vector-added / vector-removed notifications            |
 *
 * Ids are escaped (`%`, `:`, `{` and `}`) inside a tag, so a tenant id can neither close its tag
 * nor open another, and `a:b` + `c` never meets `a` + `b:c`. The empty tenant id, whose tag `{}`
 * Redis would ignore, is tagged `{%}`, which no escaped id spells. A name that ends with a
 * free-form part never meets another kind's name either: each kind's fixed part ends with `:`.
 * The prefix itself must not contain braces on a cluster (its first `{` would start the tag).
 */
export interface RedisKeys {
  readonly prefix: string;
  /** The hash of one entry of `tenantId`. */
  entry(tenantId: string, key: string): string;
  /** Prefix of every entry key of `tenantId`, for scripts that hold its raw entry keys. */
  entryPrefix(tenantId: string): string;
  /** The set of the entry keys of `tenantId`. */
  tenantKeys(tenantId: string): string;
  /** The set of the entry keys of `tenantId` tagged with `depId`. */
  depKeys(tenantId: string, depId: string): string;
  /** The current dep hashes of `tenantId`. */
  depHashes(tenantId: string): string;
  /** The vectors of one L2 index of `tenantId`. */
  vectors(tenantId: string, indexKey: string): string;
  /** The base of the windows of one rate-limit key, tagged: the script appends `:<start>`. */
  rateWindow(key: string): string;
  lock(key: string): string;
  /** The counters of one statistics scope (a tenant id, or the bypass scope). */
  stats(scope: string): string;
  readonly statScopes: string;
  readonly changesChannel: string;
}

/** Builds the key names of a store using `prefix`. */
export function createRedisKeys(prefix: string): RedisKeys {
  // Every hit builds three keys of its tenant: its tagged prefix is escaped once, not per key.
  const tenantPrefixes = new Map<string, string>();
  const tenant = (tenantId: string) => {
    let tagged = tenantPrefixes.get(tenantId);
    if (tagged === undefined) {
      if (tenantPrefixes.size >= MAX_REMEMBERED_TENANT_PREFIXES) tenantPrefixes.clear();
      tagged = `${prefix}${hashTag(tenantId)}:`;
      tenantPrefixes.set(tenantId, tagged);
    }
    return tagged;
  };
  return {
    prefix,
    entry: (tenantId, key) => `${tenant(tenantId)}entry:${key}`,
    entryPrefix: (tenantId) => `${tenant(tenantId)}entry:`,
    tenantKeys: (tenantId) => `${tenant(tenantId)}keys`,
    depKeys: (tenantId, depId) => `${tenant(tenantId)}dep:keys:${depId}`,
    depHashes: (tenantId) => `${tenant(tenantId)}dep:hash`,
    vectors: (tenantId, indexKey) => `${tenant(tenantId)}vec:${indexKey}`,
    rateWindow: (key) => `${prefix}${hashTag(key)}:window`,
    lock: (key) => `${prefix}lock:${key}`,
    stats: (scope) => `${tenant(scope)}stats`,
    statScopes: `${prefix}stats:scopes`,
    changesChannel: `${prefix}l2`,
  };
}

/** Tenants whose tagged key prefix is remembered (beyond it, the memo starts over). */
const MAX_REMEMBERED_TENANT_PREFIXES = 10_000;

/**
 * The hash tag of an id: `{id}`, escaped so the id cannot end the tag early or start another, and
 * never empty (Redis ignores an empty tag and would hash the whole key).
 */
export function hashTag(id: string): string {
  return `{${escapeKeyPart(id) || '%'}}`;
}

/** Percent-escapes `%`, `:`, `{` and `}` so a key part can imitate neither a separator nor a tag. */
export function escapeKeyPart(part: string): string {
  return part.replace(/[%:{}]/g, (character) => ESCAPES[character] ?? character);
}

const ESCAPES: Record<string, string> = { '%': '%25', ':': '%3A', '{': '%7B', '}': '%7D' };
