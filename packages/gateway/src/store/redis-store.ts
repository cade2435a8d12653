import { Cluster } from 'ioredis';
import { splitMemoryBudget } from './memory-budget';
import { createRedisChangeFeed } from './redis/redis-change-feed';
import { isRedisClusterUrl } from './redis/redis-cluster-url';
import {
  createRedisConnection,
  type RedisConnectionOptions,
  sleep,
} from './redis/redis-connection';
import { createRedisCoordinationStore } from './redis/redis-coordination-store';
import { createRedisEntryStore } from './redis/redis-entry-store';
import { createRedisKeys } from './redis/redis-keys';
import { createRedisStatScopes } from './redis/redis-stat-scopes';
import { createRedisStatisticsStore } from './redis/redis-statistics-store';
import type { RedisStoreContext } from './redis/redis-store-context';
import type { RedisStoreError } from './redis/redis-store-error';
import { createRedisVectorStore } from './redis/redis-vector-store';
import type { Store } from './store';

export type { RedisClusterNode } from './redis/redis-cluster-url';
export { maskRedisUrl, type RedisClusterConnection } from './redis/redis-connection';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * Prefix of every key and of the pub/sub channel. Gateways that share a cache use the same
   * prefix; unrelated deployments on one Redis use different ones. On a cluster it must not
   * contain `{` or `}`: keys carry their tenant's hash tag right after it.
   * @default 'cc:'
   */
  prefix?: string;
  /**
   * The gateway's memory budget in MiB. Entries, vectors and dep hashes live in Redis (bounded by
   * Redis' own `maxmemory`), so all of it goes to the in-process L2 indexes of this instance.
   * @default 256
   */
  maxMemoryMb?: number;
}

/** A {@link Store} kept in Redis, shared by every gateway instance that uses the same URL and prefix. */
export interface RedisStore extends Store {
  readonly kind: 'redis';
  /** The key prefix in use. */
  readonly prefix: string;
  /** The Redis URL with any password masked, for logs (`redis-cluster://…` on a cluster). */
  readonly url: string;
  /** Whether the store is on a Redis Cluster. */
  readonly cluster: boolean;
  /** Whether the connection is up right now. */
  isReady(): boolean;
  /**
   * Resolves `true` once the command connection is ready and, when something subscribed, the change
   * subscription is active; `false` if that did not happen within `timeoutMs`. Never rejects.
   * @default timeoutMs 5000
   */
  waitUntilReady(timeoutMs?: number): Promise<boolean>;
  /**
   * Listens to every failed store call, like the `onError` option, e.g. to count them in metrics.
   * Returns the unsubscribe function.
   */
  subscribeErrors(listener: (error: RedisStoreError) => void): () => void;
  /**
   * Deletes every key under the prefix (entries, vectors, dep hashes, windows, locks, statistics of
   * all tenants) and returns how many. For benchmarks, tests and decommissioning, not for serving:
   * it runs `SCAN` + `UNLINK` in batches (on a cluster: on every master, one key per `UNLINK`) and
   * is not atomic. Other instances still believe their statistics scopes registered: restart them
   * (or clear only while they are stopped) to have `readStats` list every scope again.
   */
  clear(): Promise<number>;
}

/**
 * A `Store` in Redis, so several gateway instances share one cache: entries (with Redis TTLs
 * covering the fresh and stale window), dep sets and current dep hashes, rate-limit windows,
 * single-flight locks, statistics and L2 vectors. L2 changes travel over Redis pub/sub, so every
 * instance's in-process vector indexes follow the others'.
 *
 * **Failure contract.** While Redis is unreachable, restarting or hung, every method rejects with a
 * {@link RedisStoreError} (`code: 'store_unavailable'`) instead of queueing: at once during a
 * noticed outage, within `unavailableWaitMs` while first connecting, and within `commandTimeoutMs`
 * when connected but silent. Nothing is thrown asynchronously and the process never crashes
 * because of Redis. The connection comes back by itself (capped exponential backoff). The gateway's
 * cache layer answers such requests by calling upstream uncached (`MISS`) with a logged warning.
 * Two methods whose failure heals by itself resolve anyway, because callers fire and forget them:
 * `incrementStat` (a lost count) and `releaseLock` (the lock expires).
 *
 * **Connections.** One command connection (ioredis; on a cluster, one per node) and one
 * subscriber; and one more that carries only the L1 lookup script (on a cluster, one per master),
 * made as the command connection is (TLS, credentials, database), unless `redisOptions` hold
 * anything else than `tls`, `username`, `password`, `db`, `family` and `connectionName`. While that one is down, lookups use the command connection, with the
 * same answers and errors.
 *
 * **Invalidation.** `setDepHash` returns only after the primary acknowledged the write, and readers
 * check current dep hashes on every read, so an invalidation holds on all instances even before
 * its pub/sub message arrives. A tenant's dep hashes expire, but never before the tenant's last
 * entry (every entry write stretches them), so no entry written with an old hash outlives the
 * hash that invalidates it. Run Redis with `maxmemory-policy noeviction` (its default): an
 * eviction policy could drop a dep hash while entries tagged with it remain. A primary with
 * replicas is supported (every call goes to the primary).
 *
 * **Redis Cluster.** Give `url: 'redis-cluster://host:port,host:port'` or `cluster: { nodes }`
 * (TLS: `cluster` with `redisOptions.tls`). Every key of a tenant carries the tenant's hash tag,
 * so a tenant's entries, sets, dep hashes, vectors and statistics live in one slot and every
 * script runs on one node; tenants spread over the masters. Kept globally: the set of statistics
 * scopes (a slot of its own), the pub/sub channel (cluster-wide), rate-limit windows and locks
 * (each in the slot of its own key). Reads and writes go to masters only. While some masters are
 * down, the calls for their tenants fail as `store_unavailable` and the others are served.
 *
 * @throws When given neither `url` nor `cluster` (or both), a malformed `redis-cluster://` URL or
 * seed node, or a prefix with `{` or `}` for a cluster. An unreachable Redis is not an error.
 *
 * @example
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379/0', prefix: 'cc:' });
 * const gateway = await startGateway({ upstream: 'mock', jwtSecret, store });
 * // …
 * await gateway.close();
 * await store.close(); // a store passed in is not closed by the gateway
 *
 * @example
 * const clustered = createRedisStore({ cluster: { nodes: ['10.0.0.5:7000', '10.0.0.6:7000'] } });
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const prefix = options.prefix ?? 'cc:';
  const onCluster = options.cluster !== undefined || isRedisClusterUrl(options.url ?? '');
  if (onCluster && /[{}]/.test(prefix)) {
    throw new Error(
      `Invalid Redis key prefix "${prefix}" for a Redis Cluster: it must not contain "{" or "}", ` +
        "which would take the place of each tenant's hash tag.",
    );
  }
  const keys = createRedisKeys(prefix);
  const connection = createRedisConnection(options);
  const feed = createRedisChangeFeed({
    connection,
    channel: keys.changesChannel,
    logger: options.logger,
  });
  const scopes = createRedisStatScopes(connection, keys);
  const context: RedisStoreContext = {
    connection,
    keys,
    feed,
    scopes,
    subscribeWaitMs: options.unavailableWaitMs ?? 300,
  };
  const isUp = () => connection.client.status === 'ready';
  const budget = splitMemoryBudget(options.maxMemoryMb, false);

  return {
    kind: 'redis',
    prefix,
    url: connection.displayUrl,
    cluster: connection.isCluster,
    ...createRedisEntryStore(context),
    ...createRedisVectorStore(context),
    ...createRedisCoordinationStore(context),
    ...createRedisStatisticsStore(context),

    isReady: isUp,

    memory: {
      indexBudgetBytes: budget.indexBytes,
      // Nothing of the cache is kept in this process: the L2 indexes report themselves.
      read: () => ({ holder: 'store', budgetBytes: 0, bytes: {}, items: {} }),
    },

    async waitUntilReady(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      const ready = () => connection.state !== 'closed' && isUp() && feed.isSubscribed();
      while (connection.state !== 'closed' && Date.now() < deadline) {
        if (ready()) return true;
        await sleep(10);
      }
      return ready();
    },

    subscribeErrors: (listener) => connection.subscribeErrors(listener),

    clear() {
      const { client } = connection;
      return connection.run('clear', async () => {
        const pattern = `${prefix.replace(/[*?[\]\\]/g, (character) => `\\${character}`)}*`;
        let deleted = 0;
        for (const node of connection.masters()) {
          let cursor = '0';
          do {
            const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
            cursor = next;
            if (found.length === 0) continue;
            // A multi-key UNLINK must stay in one slot on a cluster: there, one key at a time,
            // batched per node by auto-pipelining.
            if (client instanceof Cluster) {
              const counts = await Promise.all(found.map((key) => client.unlink(key)));
              deleted += counts.reduce((sum, count) => sum + count, 0);
            } else {
              deleted += await client.unlink(...found);
            }
          } while (cursor !== '0');
        }
        // The scopes set is gone: scopes must be registered again.
        scopes.forget();
        return deleted;
      });
    },

    async close() {
      if (connection.state === 'closed') return;
      await Promise.all([connection.close(), feed.close()]);
    },
  };
}
