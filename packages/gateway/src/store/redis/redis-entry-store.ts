import { randomBytes } from 'node:crypto';
import type { CacheEntry, DepTag, EntryLookupResult, EntryStore } from '../entry-store';
import {
  COUNT_ENTRIES_SCRIPT,
  DELETE_ENTRY_SCRIPT,
  FLUSH_TENANT_SCRIPT,
  LOOKUP_ENTRY_SCRIPT,
  SET_DEP_HASH_SCRIPT,
  SET_ENTRY_SCRIPT,
  TAKE_DEP_KEYS_SCRIPT,
} from './lua-scripts';
import { checkHeldCopy, heldCopyOf, holdCopy } from './redis-held-copies';
import type { RedisStoreContext } from './redis-store-context';
import type { ScriptPipeline } from './script-pipeline';

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
  const { run, runScript, runHotScript, hotPipelineFor, client } = connection;
  // The longest entry lifetime this instance has written: a new dep hash lives at least this long.
  let longestEntryTtlMs = 0;
  // Stamps of the versions this instance writes: unique per instance and write.
  const stampPrefix = randomBytes(6).toString('base64url');
  let writes = 0;
  /**
   * The first lookup of a tenant in this process also lists it among the statistics scopes, in
   * the same round trip; every later one sends nothing for it.
   */
  function registerScope(tenantId: string): void {
    const registering = scopes.register(tenantId);
    if (registering) void run('registerStatScope', () => registering).catch(() => {});
  }
  /**
   * Counts a hit answered from a held copy, as the lookup script counts its hits, on the same
   * connection: summed over the event-loop turn and sent with its write, without waiting for an
   * answer (`readStats` waits until they are applied).
   */
  function countHit(
    pipeline: ScriptPipeline,
    statsKey: string,
    { entry, freshness }: NonNullable<EntryLookupResult['hit']>,
  ): void {
    pipeline.increment(statsKey, freshness === 'fresh' ? 'hits_l1' : 'hits_l1_stale', 1);
    pipeline.increment(statsKey, 'tokens_saved', Number(entry.totalTokens) || 0);
  }
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
      const entryKey = keys.entry(entry.tenantId, entry.key);
      const stamp = `${stampPrefix}.${(++writes).toString(36)}`;
      const removed = await run('setEntry', () =>
        runScript(
          SET_ENTRY_SCRIPT,
          [
            entryKey,
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
            stamp,
            JSON.stringify([
              entry.freshUntil,
              entry.expiresAt,
              entry.totalTokens,
              ...entry.deps.flatMap((dep) => [dep.depId, dep.expectedHash]),
            ]),
          ],
        ),
      );
      holdCopy(entryKey, stamp, entry);
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

    async lookupEntry(lookup) {
      const { key, tenantId, deps, now } = lookup;
      const entryKey = keys.entry(tenantId, key);
      // A copy of the version held here: when Redis still stores that version, it answers.
      const held = heldCopyOf(entryKey);
      const statsKey = keys.stats(tenantId);
      const pipeline = held && hotPipelineFor(entryKey);
      if (held && pipeline) {
        const checked = await run('lookupEntry', async () => {
          registerScope(tenantId);
          const result = await checkHeldCopy(
            pipeline,
            { entry: entryKey, depHashes: keys.depHashes(tenantId) },
            held,
            lookup,
          );
          if (result?.hit) countHit(pipeline, statsKey, result.hit);
          return result;
        });
        if (checked) return checked;
      }
      const reply = await run('lookupEntry', () => {
        registerScope(tenantId);
        return runHotScript(
          LOOKUP_ENTRY_SCRIPT,
          [entryKey, keys.depHashes(tenantId), statsKey],
          [now, held?.stamp ?? '', ...depPairs(deps)],
        );
      });
      if (!Array.isArray(reply) || Number(reply[0]) !== 1) return { depsCurrent: false };
      const freshness = reply[1] === 'fresh' ? 'fresh' : 'stale';
      let entry: CacheEntry | undefined;
      if (reply.length === 2) entry = held?.entry;
      else if (reply.length >= 5) {
        entry = decodeEntry(String(reply[2]), String(reply[3]));
        if (entry) holdCopy(entryKey, String(reply[4]), entry);
      }
      if (!entry) return { depsCurrent: true };
      return { depsCurrent: true, hit: { entry, freshness } };
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
 * The lookup script's deps arguments, `depId, expectedHash, …`; remembered for a frozen (shared)
 * list, such as the one every request without a deps header gets.
 */
const depPairLists = new WeakMap<readonly DepTag[], readonly string[]>();
function depPairs(deps: readonly DepTag[]): readonly string[] {
  const known = depPairLists.get(deps);
  if (known !== undefined) return known;
  const pairs = deps.flatMap((dep) => [dep.depId, dep.expectedHash]);
  if (Object.isFrozen(deps)) depPairLists.set(deps, pairs);
  return pairs;
}

/** Parses the stored form of an entry; a corrupt one reads as absent rather than failing requests. */
function decodeEntry(body: string, meta: string): CacheEntry | undefined {
  try {
    const parsed = JSON.parse(meta) as Omit<CacheEntry, 'body'> | null;
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.deps)) {
      return undefined;
    }
    return { ...parsed, body };
  } catch {
    return undefined;
  }
}
