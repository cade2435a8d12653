import { BoundedMemo } from '../../memo/bounded-memo';
import type { CacheEntry, DepTag, EntryStore } from '../entry-store';
import {
  COUNT_ENTRIES_SCRIPT,
  DELETE_ENTRY_SCRIPT,
  FLUSH_TENANT_SCRIPT,
  LOOKUP_ENTRY_SCRIPT,
  SET_DEP_HASH_SCRIPT,
  SET_ENTRY_SCRIPT,
  TAKE_DEP_KEYS_SCRIPT,
} from './lua-scripts';
import type { RedisStoreContext } from './redis-store-context';

/**
 * Shortest lifetime of a tenant's dep hashes: a request that read the old hash before an
 * invalidation may still write its answer (tagged with the old hash) up to an upstream timeout
 * later, and that answer must meet the new hash, not a missing one that accepts any hash.
 */
const MIN_DEP_HASH_TTL_MS = 10 * 60_000;

/**
 * L1 entries, dep sets and dep hashes in Redis, every key of a tenant in the tenant's hash slot;
 * removed vectors go out through the feed.
 */
export function createRedisEntryStore({
  connection,
  keys,
  feed,
  scopes,
}: RedisStoreContext): EntryStore {
  const { run, runScript, client } = connection;
  // The longest entry lifetime this instance has written: a new dep hash lives at least this long.
  let longestEntryTtlMs = 0;
  const entries: EntryStore = {
    getEntry(tenantId, key) {
      return run('getEntry', async () => {
        const [body, meta] = await client.hmget(keys.entry(tenantId, key), 'body', 'meta');
        if (typeof body !== 'string' || typeof meta !== 'string') return undefined;
        return decodeEntry(body, meta);
      });
    },

    async setEntry(entry, ttlMs) {
      const ttl = Math.ceil(ttlMs);
      if (!(ttl > 0)) {
        await entries.deleteEntry(entry.tenantId, entry.key);
        return;
      }
      longestEntryTtlMs = Math.max(longestEntryTtlMs, ttl);
      const { body, ...meta } = entry;
      const depSetKeys = [
        ...new Set(entry.deps.map((dep) => keys.depKeys(entry.tenantId, dep.depId))),
      ];
      const removed = await run('setEntry', () =>
        runScript(
          SET_ENTRY_SCRIPT,
          [
            keys.entry(entry.tenantId, entry.key),
            keys.tenantKeys(entry.tenantId),
            keys.depHashes(entry.tenantId),
            ...depSetKeys,
          ],
          [
            ttl,
            entry.key,
            body,
            JSON.stringify(meta),
            JSON.stringify(depSetKeys),
            keys.changesChannel,
            feed.origin,
            entry.tenantId,
          ],
        ),
      );
      feed.emitRemoved(entry.tenantId, removed, 0);
    },

    async deleteEntry(tenantId, key) {
      const reply = await run('deleteEntry', () =>
        runScript(
          DELETE_ENTRY_SCRIPT,
          [keys.entry(tenantId, key)],
          [key, keys.changesChannel, feed.origin, tenantId],
        ),
      );
      feed.emitRemoved(tenantId, reply, 1);
      return Array.isArray(reply) && Number(reply[0]) === 1;
    },

    countEntries(tenantId) {
      return run('countEntries', async () =>
        Number(
          await runScript(
            COUNT_ENTRIES_SCRIPT,
            [keys.tenantKeys(tenantId)],
            [keys.entryPrefix(tenantId)],
          ),
        ),
      );
    },

    async flushTenant(tenantId) {
      const reply = await run('flushTenant', () =>
        runScript(
          FLUSH_TENANT_SCRIPT,
          [keys.tenantKeys(tenantId)],
          [keys.entryPrefix(tenantId), keys.changesChannel, feed.origin, tenantId],
        ),
      );
      feed.emitRemoved(tenantId, reply, 1);
      return Array.isArray(reply) ? Number(reply[0]) : 0;
    },

    async takeDepKeys(tenantId, depId) {
      const reply = await run('takeDepKeys', () =>
        runScript(TAKE_DEP_KEYS_SCRIPT, [keys.depKeys(tenantId, depId)], []),
      );
      return Array.isArray(reply) ? reply.map(String) : [];
    },

    async getDepHashes(tenantId, depIds) {
      if (depIds.length === 0) return [];
      const hashes = await run('getDepHashes', () =>
        client.hmget(keys.depHashes(tenantId), ...depIds),
      );
      return hashes.map((hash) => hash ?? undefined);
    },

    async lookupEntry({ key, tenantId, deps, now }) {
      const reply = await run('lookupEntry', () => {
        // The first lookup of a tenant in this process also lists it among the statistics
        // scopes, in the same round trip; every later one is the script alone.
        const registering = scopes.register(tenantId);
        if (registering) void run('registerStatScope', () => registering).catch(() => {});
        return runScript(
          LOOKUP_ENTRY_SCRIPT,
          [keys.entry(tenantId, key), keys.depHashes(tenantId), keys.stats(tenantId)],
          [now, depsArgument(deps)],
        );
      });
      if (!Array.isArray(reply) || Number(reply[0]) !== 1) return { depsCurrent: false };
      const entry = reply.length >= 4 ? decodeEntry(String(reply[2]), String(reply[3])) : undefined;
      if (!entry) return { depsCurrent: true };
      return {
        depsCurrent: true,
        hit: { entry, freshness: reply[1] === 'fresh' ? 'fresh' : 'stale' },
      };
    },

    async setDepHash(tenantId, depId, hash) {
      // Resolves only once the primary has applied it; every instance reads the primary, so no
      // instance can read the old hash after this returns.
      await run('setDepHash', () =>
        runScript(
          SET_DEP_HASH_SCRIPT,
          [keys.depHashes(tenantId), keys.tenantKeys(tenantId)],
          [depId, hash, Math.max(longestEntryTtlMs, MIN_DEP_HASH_TTL_MS)],
        ),
      );
    },
  };
  return entries;
}

/**
 * The lookup script's deps argument, `[[depId, expectedHash], …]` as JSON; remembered for a
 * frozen (shared) list, such as the one every request without a deps header gets.
 */
const depsArguments = new WeakMap<readonly DepTag[], string>();
function depsArgument(deps: readonly DepTag[]): string {
  const known = depsArguments.get(deps);
  if (known !== undefined) return known;
  const argument = JSON.stringify(deps.map((dep) => [dep.depId, dep.expectedHash]));
  if (Object.isFrozen(deps)) depsArguments.set(deps, argument);
  return argument;
}

/**
 * Parsed entry metadata by its exact stored text: a hot entry's metadata is read on every hit and
 * never changes while the entry lives (a rewrite stores new text). Shared and never mutated.
 */
const decodedMetadata = new BoundedMemo<Omit<CacheEntry, 'body'>>(1024 * 1024, 'redis_metadata');

/** Parses the stored form of an entry; a corrupt one reads as absent rather than failing requests. */
function decodeEntry(body: string, meta: string): CacheEntry | undefined {
  try {
    const parsed = decodedMetadata.remember(
      meta,
      () => JSON.parse(meta) as Omit<CacheEntry, 'body'>,
      // The key text and about as much again for the parsed object.
      () => meta.length * 4 + 128,
    );
    return { ...parsed, body };
  } catch {
    return undefined;
  }
}
