import { createHash } from 'node:crypto';

/** A Lua script run with `EVALSHA` (falling back to `EVAL` when the server does not know it yet). */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha1: string;
}

function defineScript(name: string, body: string): LuaScript {
  const source = `${SHARED_FUNCTIONS}\n${body}`;
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

/*
 * Every script touches the keys of one tenant only, or of one rate-limit key, which share a hash
 * tag (see \`redis-keys.ts\`): one hash slot, so the scripts run on Redis Cluster as on a single
 * server, including the keys they read from an entry hash (its sets, its vector hash) or build
 * from a prefix passed in ARGV, which are in the slot of KEYS[1] too. Every removal of a vector is published inside the same script, so subscribers never
 * see a removal that did not happen, and the removed (index, id) pairs are returned so the calling
 * instance can tell its own listeners at once. Scripts that publish take the channel, the origin
 * (the publishing store instance) and the tenant as three consecutive ARGV, read by \`feed_at\`.
 */
const SHARED_FUNCTIONS = `
local function extend_ttl(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end

local function feed_at(first)
  return {channel = ARGV[first], origin = ARGV[first + 1], tenant = ARGV[first + 2]}
end

local function publish_removal(feed, index_key, id)
  redis.call('PUBLISH', feed.channel, cjson.encode({
    o = feed.origin, t = 'r', n = feed.tenant, i = index_key, id = id
  }))
end

local function drop_vector(entry_key, feed, removed)
  local vector = redis.call('HMGET', entry_key, 'vkey', 'vidx', 'vid')
  if vector[1] then
    if redis.call('HDEL', vector[1], vector[3]) == 1 then
      publish_removal(feed, vector[2], vector[3])
      table.insert(removed, vector[2])
      table.insert(removed, vector[3])
    end
    redis.call('HDEL', entry_key, 'vkey', 'vidx', 'vid')
  end
end

local function drop_entry(entry_key, raw_key, feed, removed)
  local sets = redis.call('HMGET', entry_key, 'tset', 'dsets')
  if not sets[1] then return 0 end
  drop_vector(entry_key, feed, removed)
  redis.call('SREM', sets[1], raw_key)
  if sets[2] then
    for _, dep_set in ipairs(cjson.decode(sets[2])) do redis.call('SREM', dep_set, raw_key) end
  end
  redis.call('DEL', entry_key)
  return 1
end
`;

/**
 * KEYS: entry hash, tenant set, tenant dep hashes, dep sets… ARGV: ttl ms, raw key, body, meta
 * JSON, dep sets JSON, channel, origin, tenant, stamp, check JSON. Replaces the previous version
 * (its set memberships and vector go with it; the hash is deleted first, so no field of it
 * survives), writes the entry with its TTL, the stamp that names this version and what the lookup
 * checks (`chk`: `[freshUntil, expiresAt, totalTokens, depId, expectedHash, …]`, a small part of
 * the metadata that is cheap to decode), and makes every set live at least as long as the entry. The tenant's dep hashes are stretched too: were they to expire before an entry written
 * with an older hash, that entry would be served as if its dep had never been invalidated.
 */
export const SET_ENTRY_SCRIPT = defineScript(
  'setEntry',
  `
local ttl = tonumber(ARGV[1])
local removed = {}
drop_entry(KEYS[1], ARGV[2], feed_at(6), removed)
redis.call('HSET', KEYS[1], 'body', ARGV[3], 'meta', ARGV[4], 'tset', KEYS[2], 'dsets', ARGV[5],
  'stamp', ARGV[9], 'chk', ARGV[10])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SADD', KEYS[2], ARGV[2])
extend_ttl(KEYS[2], ttl)
if redis.call('EXISTS', KEYS[3]) == 1 then extend_ttl(KEYS[3], ttl) end
for index = 4, #KEYS do
  redis.call('SADD', KEYS[index], ARGV[2])
  extend_ttl(KEYS[index], ttl)
end
return removed
`,
);

/**
 * KEYS: tenant dep hashes, tenant set. ARGV: dep id, hash, minimum ttl ms. Records the hash and
 * keeps the tenant's dep hashes at least as long as every entry of the tenant (the tenant set
 * lives as long as its longest entry) and at least the minimum.
 */
export const SET_DEP_HASH_SCRIPT = defineScript(
  'setDepHash',
  `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local ttl = math.max(tonumber(ARGV[3]), redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[1]))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`,
);

/**
 * KEYS: entry hash. ARGV: raw key, channel, origin, tenant. Returns `{existed, removed pairs…}`.
 */
export const DELETE_ENTRY_SCRIPT = defineScript(
  'deleteEntry',
  `
local removed = {}
local existed = drop_entry(KEYS[1], ARGV[1], feed_at(2), removed)
return {existed, unpack(removed)}
`,
);

/** KEYS: tenant set. ARGV: entry key prefix. Counts live entries, forgetting expired ones. */
export const COUNT_ENTRIES_SCRIPT = defineScript(
  'countEntries',
  `
local count = 0
for _, raw_key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. raw_key) == 1 then
    count = count + 1
  else
    redis.call('SREM', KEYS[1], raw_key)
  end
end
return count
`,
);

/**
 * KEYS: tenant set. ARGV: entry key prefix, channel, origin, tenant. Returns
 * `{deleted, removed pairs…}`.
 */
export const FLUSH_TENANT_SCRIPT = defineScript(
  'flushTenant',
  `
local removed = {}
local deleted = 0
local feed = feed_at(2)
for _, raw_key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  deleted = deleted + drop_entry(ARGV[1] .. raw_key, raw_key, feed, removed)
end
redis.call('DEL', KEYS[1])
return {deleted, unpack(removed)}
`,
);

/**
 * KEYS: entry hash, tenant dep hashes, tenant stats. ARGV: now (ms, the gateway's clock), the stamp
 * of the version the caller holds a copy of (or ''), then the request's deps as pairs (dep id,
 * expected hash). The L1 lookup of a request in one round trip, checked the way
 * `classifyServableEntry` checks it: `{0}` when a request dep is outdated, `{1}` when there is
 * nothing to serve, and for a hit, which is counted in the tenant's statistics here (the scopes
 * set, in another slot, is the caller's), `{1, 'fresh'|'stale'}` when the stored version is the
 * one the caller holds, else `{1, 'fresh'|'stale', body, meta, stamp}`. Every check runs on what
 * Redis holds either way. Reads the entry's `chk` field; an entry written without one (by an
 * earlier version) is checked from its metadata.
 */
export const LOOKUP_ENTRY_SCRIPT = defineScript(
  'lookupEntry',
  `
local current_hash = {}
for at = 3, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[2], ARGV[at])
  current_hash[ARGV[at]] = current
  if current and current ~= ARGV[at + 1] then return {0} end
end
local found = redis.call('HMGET', KEYS[1], 'chk', 'stamp')
local check
if found[1] then
  local decoded, value = pcall(cjson.decode, found[1])
  if not decoded or type(value) ~= 'table' then return {1} end
  check = value
else
  local meta_text = redis.call('HGET', KEYS[1], 'meta')
  if not meta_text then return {1} end
  local decoded, meta = pcall(cjson.decode, meta_text)
  if not decoded or type(meta) ~= 'table' or type(meta.deps) ~= 'table' then return {1} end
  check = {meta.freshUntil, meta.expiresAt, meta.totalTokens}
  for _, dep in ipairs(meta.deps) do
    table.insert(check, dep.depId)
    table.insert(check, dep.expectedHash)
  end
end
local now = tonumber(ARGV[1])
local fresh_until, expires_at = tonumber(check[1]), tonumber(check[2])
if not fresh_until or not expires_at or now >= expires_at then return {1} end
local tagged = {}
for at = 4, #check, 2 do
  local dep_id, expected = check[at], check[at + 1]
  tagged[dep_id] = expected
  local current = current_hash[dep_id]
  if current == nil then current = redis.call('HGET', KEYS[2], dep_id) end
  if current and current ~= expected then return {1} end
end
for at = 3, #ARGV, 2 do
  if tagged[ARGV[at]] ~= ARGV[at + 1] then return {1} end
end
local stamp = found[2] or ''
local stored = false
if stamp == '' or stamp ~= ARGV[2] then
  stored = redis.call('HMGET', KEYS[1], 'body', 'meta')
  if not stored[1] or not stored[2] then return {1} end
end
local freshness = 'stale'
if now < fresh_until then freshness = 'fresh' end
if freshness == 'fresh' then
  redis.call('HINCRBY', KEYS[3], 'hits_l1', 1)
else
  redis.call('HINCRBY', KEYS[3], 'hits_l1_stale', 1)
end
redis.call('HINCRBY', KEYS[3], 'tokens_saved', tonumber(check[3]) or 0)
if not stored then return {1, freshness} end
return {1, freshness, stored[1], stored[2], stamp}
`,
);

/** KEYS: dep set. Hands the members out and empties the set in one step. */
export const TAKE_DEP_KEYS_SCRIPT = defineScript(
  'takeDepKeys',
  `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return members
`,
);

/**
 * KEYS: entry hash, vector hash. ARGV: id, packed vector, index key, entry key, text, vector values
 * (base64), channel, origin, tenant. Returns `{added, entry pttl, removed pairs…}`; `{0}` when the
 * entry does not exist. The published message carries the entry's remaining lifetime, so the other
 * instances' indexes can drop the vector when Redis expires the entry (which announces nothing).
 */
export const ADD_VECTOR_SCRIPT = defineScript(
  'addVector',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local removed = {}
local feed = feed_at(7)
drop_vector(KEYS[1], feed, removed)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'vkey', KEYS[2], 'vidx', ARGV[3], 'vid', ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
extend_ttl(KEYS[2], ttl)
redis.call('PUBLISH', feed.channel, cjson.encode({
  o = feed.origin, t = 'a', n = feed.tenant, i = ARGV[3], id = ARGV[1], e = ARGV[4], x = ARGV[5],
  v = ARGV[6], p = ttl
}))
return {1, ttl, unpack(removed)}
`,
);

/**
 * KEYS: vector hash. ARGV: id, index key, channel, origin, tenant. Returns 1 when a vector was
 * removed.
 */
export const REMOVE_VECTOR_SCRIPT = defineScript(
  'removeVector',
  `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
publish_removal(feed_at(3), ARGV[2], ARGV[1])
return 1
`,
);

/**
 * KEYS: window base (hash-tagged, so every window of the key is in its slot). ARGV: window ms. A
 * fixed window on the Redis server's clock, so every gateway instance agrees on window boundaries
 * whatever their own clocks say; its counter is the base + `:<window start>`. Returns
 * `{count, resetAt}`.
 */
export const INCREMENT_WINDOW_SCRIPT = defineScript(
  'incrementWindow',
  `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local start = now - (now % window)
local key = KEYS[1] .. ':' .. string.format('%.0f', start)
local count = redis.call('INCR', key)
if count == 1 then redis.call('PEXPIRE', key, window + 1000) end
return {count, string.format('%.0f', start + window)}
`,
);

/** KEYS: lock. ARGV: owner, ttl ms. Extends the lock only if `owner` still holds it. */
export const RENEW_LOCK_SCRIPT = defineScript(
  'renewLock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

/** KEYS: lock. ARGV: owner. Deletes the lock only if `owner` still holds it. */
export const RELEASE_LOCK_SCRIPT = defineScript(
  'releaseLock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);
