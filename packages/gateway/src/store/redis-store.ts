import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { GatewayLogger } from '../log/logger';
import {
  ADD_VECTOR_SCRIPT,
  COUNT_ENTRIES_SCRIPT,
  DELETE_ENTRY_SCRIPT,
  FLUSH_TENANT_SCRIPT,
  INCREMENT_WINDOW_SCRIPT,
  type LuaScript,
  RELEASE_LOCK_SCRIPT,
  REMOVE_VECTOR_SCRIPT,
  SET_ENTRY_SCRIPT,
  TAKE_DEP_KEYS_SCRIPT,
} from './redis/lua-scripts';
import { createRedisKeys } from './redis/redis-keys';
import { RedisStoreError } from './redis/redis-store-error';
import {
  decodeChangeMessage,
  encodeVectorAddedMessage,
  packVector,
  unpackVector,
} from './redis/vector-codec';
import type { CacheEntry, StatName, Store, StoreChange, VectorRecord } from './store';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * Where Redis listens: `redis://[[user]:password@]host:port/db`, or `rediss://…` for TLS. The
   * database number is the path (`/0` when absent).
   */
  url: string;
  /**
   * Prefix of every key and of the pub/sub channel. Gateways that share a cache use the same
   * prefix; unrelated deployments on one Redis use different ones.
   * @default 'cc:'
   */
  prefix?: string;
  /** Receives connection warnings (once per outage, not once per failed command). */
  logger?: GatewayLogger;
  /**
   * How long a call waits for the connection while it is being established (at startup) before it
   * rejects with a `store_unavailable` error. Once an outage has been noticed, calls reject at once
   * until the connection is back.
   * @default 300
   */
  unavailableWaitMs?: number;
  /** A command without an answer after this long rejects (a hung or partitioned server). @default 1000 */
  commandTimeoutMs?: number;
  /** Gives up one connection attempt after this long. @default 2000 */
  connectTimeoutMs?: number;
  /** Upper bound of the pause between reconnection attempts (the backoff starts at 50 ms). @default 1000 */
  maxReconnectDelayMs?: number;
  /**
   * Called for every failed store call, including the best-effort ones that do not reject
   * (`incrementStat`, `releaseLock`); the gateway counts these in its `store_errors` metric.
   */
  onError?: (error: RedisStoreError) => void;
  /** Extra `ioredis` options (TLS, username, …), applied before the store's own resilience settings. */
  redisOptions?: RedisOptions;
}

/** A {@link Store} kept in Redis, shared by every gateway instance that uses the same URL and prefix. */
export interface RedisStore extends Store {
  readonly kind: 'redis';
  /** The key prefix in use. */
  readonly prefix: string;
  /** The Redis URL with any password masked, for logs. */
  readonly url: string;
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
   * it runs `SCAN` + `UNLINK` in batches and is not atomic.
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
 * **Invalidation.** `setDepHash` returns only after the primary acknowledged the write, and readers
 * check current dep hashes on every read, so an invalidation holds on all instances even before
 * its pub/sub message arrives. Dep hashes have no TTL: run Redis with `noeviction` or a `volatile-*`
 * eviction policy, never `allkeys-*`, so they cannot be evicted while entries remain. Redis Cluster
 * is not supported (scripts touch keys named inside entries); a primary with replicas is.
 *
 * @example
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379/0', prefix: 'cc:' });
 * const gateway = await startGateway({ upstream: 'mock', jwtSecret, store });
 * // …
 * await gateway.close();
 * await store.close(); // a store passed in is not closed by the gateway
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const prefix = options.prefix ?? 'cc:';
  const keys = createRedisKeys(prefix);
  const logger = options.logger;
  const unavailableWaitMs = options.unavailableWaitMs ?? 300;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 1000;
  const displayUrl = maskRedisUrl(options.url);
  // Tags this instance's pub/sub messages, so it skips its own echo (its listeners already heard).
  const instanceId = randomUUID();
  const listeners = new Set<(change: StoreChange) => void>();
  const errorListeners = new Set<(error: RedisStoreError) => void>();
  if (options.onError) errorListeners.add(options.onError);
  const readyWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  let closed = false;
  let available: boolean | undefined;
  let lastConnectionError: string | undefined;
  let subscriber: Redis | undefined;
  let subscription: Promise<void> | undefined;
  // Indexes this instance loaded (and so follows through pub/sub), replayed after a reconnection.
  const listedIndexes = new Set<string>();
  let subscribed = false;
  let replayPending = false;
  let replaying = false;

  const client = new Redis(options.url, {
    ...options.redisOptions,
    // Fail fast instead of queueing while disconnected: a cache that answers late is worse than
    // none, since the gateway can always call upstream.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops are rejected rather than resent: a resent write
    // might run twice, and the request has moved on to upstream anyway.
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt - 1, 10), maxReconnectDelayMs),
    // Concurrent requests share round trips, which is most of an L1 hit's cost.
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  client.on('error', noteConnectionError);
  client.on('ready', () => {
    if (available === false) logger?.info('redis store reconnected', { url: displayUrl });
    available = true;
    lastConnectionError = undefined;
    for (const waiter of readyWaiters) waiter.resolve();
    readyWaiters.clear();
    void replayMissedChanges();
  });
  client.on('close', () => {
    if (closed || available !== true) return;
    available = false;
    logger?.warn('redis store connection lost; requests are served uncached until it is back', {
      url: displayUrl,
    });
  });

  function noteConnectionError(error: Error): void {
    lastConnectionError = error.message;
    if (closed || available === false) return;
    // One warning per outage: ioredis reports an error for every reconnection attempt.
    available = false;
    logger?.warn('redis store unavailable; requests are served uncached until it is back', {
      url: displayUrl,
      error: error.message,
    });
  }

  function waitForConnection(operation: string): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    if (closed || client.status === 'end') {
      return Promise.reject(
        new RedisStoreError(operation, 'store_unavailable', 'The Redis store is closed.'),
      );
    }
    if (available === false) {
      // A known outage: fail at once, so a request that falls back to upstream pays no wait.
      return Promise.reject(unavailableError(operation));
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        readyWaiters.delete(waiter);
        reject(unavailableError(operation));
      }, unavailableWaitMs);
      readyWaiters.add(waiter);
    });
  }

  function unavailableError(operation: string): RedisStoreError {
    const reason = lastConnectionError ?? `connection ${client.status}`;
    return new RedisStoreError(
      operation,
      'store_unavailable',
      `Redis store ${operation} failed: Redis at ${displayUrl} is unavailable (${reason}).`,
    );
  }

  async function run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      await waitForConnection(operation);
      return await command();
    } catch (error) {
      const storeError = toStoreError(operation, error, displayUrl);
      for (const listener of errorListeners) {
        try {
          listener(storeError);
        } catch {
          // Reporting must never change the outcome of the call.
        }
      }
      throw storeError;
    }
  }

  async function runScript(
    script: LuaScript,
    scriptKeys: readonly string[],
    args: readonly (string | number | Buffer)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(script.sha1, scriptKeys.length, ...scriptKeys, ...args);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH / a restart): send the source once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(script.source, scriptKeys.length, ...scriptKeys, ...args);
    }
  }

  function emit(change: StoreChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A faulty listener must not break the store for the others.
      }
    }
  }

  /** Tells local listeners about the `(indexKey, id)` pairs a script removed, from `start` on. */
  function emitRemoved(reply: unknown, start: number): void {
    if (!Array.isArray(reply)) return;
    for (let index = start; index + 1 < reply.length; index += 2) {
      emit({
        type: 'vector-removed',
        indexKey: String(reply[index]),
        id: String(reply[index + 1]),
      });
    }
  }

  /**
   * Emits `vector-added` for every vector of the indexes listed so far, once both connections are
   * back after the subscription dropped (pub/sub does not queue, so messages published meanwhile
   * are lost). Adding an id an index already holds replaces it, so this only fills in what was
   * missed; missed removals are harmless because a lookup reads the entry before serving it.
   */
  async function replayMissedChanges(): Promise<void> {
    if (!replayPending || replaying || closed) return;
    if (client.status !== 'ready' || !subscribed) return;
    replaying = true;
    try {
      for (const indexKey of listedIndexes) {
        for (const record of await store.listVectors(indexKey)) {
          emit({ type: 'vector-added', record });
        }
      }
      replayPending = false;
      logger?.info('redis store resynchronised L2 indexes after a reconnection', {
        indexes: listedIndexes.size,
      });
    } catch {
      // Redis went away again: the next 'ready' retries.
    } finally {
      replaying = false;
    }
  }

  function ensureSubscriber(): void {
    if (subscriber || closed) return;
    // A connection in subscriber mode can run nothing else. It queues while disconnected (only
    // SUBSCRIBE ever goes through it) and ioredis subscribes again after every reconnection.
    const connection = client.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      enableAutoPipelining: false,
    });
    subscriber = connection;
    // Outages are reported by the command connection; this one only tracks its subscription.
    connection.on('error', () => {});
    connection.on('message', (channel: string, text: string) => {
      if (channel !== keys.changesChannel) return;
      const decoded = decodeChangeMessage(text);
      if (!decoded || decoded.origin === instanceId) return;
      emit(decoded.change);
    });
    connection.on('close', () => {
      if (!subscribed) return;
      subscribed = false;
      replayPending = true;
    });
    connection.on('ready', () => {
      if (!replayPending) return;
      // ioredis has already re-sent SUBSCRIBE; replies come in order, so once this one answers
      // the subscription is active again.
      void connection.subscribe(keys.changesChannel).then(
        () => {
          subscribed = true;
          void replayMissedChanges();
        },
        () => {},
      );
    });
    subscription = connection.subscribe(keys.changesChannel).then(
      () => {
        subscribed = true;
      },
      (error: Error) => {
        if (!closed) {
          logger?.warn('redis store could not subscribe to L2 changes', { error: error.message });
        }
      },
    );
  }

  const store: RedisStore = {
    kind: 'redis',
    prefix,
    url: displayUrl,

    isReady: () => client.status === 'ready',

    async waitUntilReady(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!closed && Date.now() < deadline) {
        if (client.status === 'ready' && subscriberIsReady()) return true;
        await sleep(10);
      }
      return !closed && client.status === 'ready' && subscriberIsReady();
    },

    getEntry(key) {
      return run('getEntry', async () => {
        const [body, meta] = await client.hmget(keys.entry(key), 'body', 'meta');
        if (typeof body !== 'string' || typeof meta !== 'string') return undefined;
        return decodeEntry(body, meta);
      });
    },

    async setEntry(entry, ttlMs) {
      const ttl = Math.ceil(ttlMs);
      if (!(ttl > 0)) {
        await store.deleteEntry(entry.key);
        return;
      }
      const { body, ...meta } = entry;
      const depSetKeys = [
        ...new Set(entry.deps.map((dep) => keys.depKeys(entry.tenantId, dep.depId))),
      ];
      const removed = await run('setEntry', () =>
        runScript(
          SET_ENTRY_SCRIPT,
          [keys.entry(entry.key), keys.tenantKeys(entry.tenantId), ...depSetKeys],
          [
            ttl,
            entry.key,
            body,
            JSON.stringify(meta),
            JSON.stringify(depSetKeys),
            keys.changesChannel,
            instanceId,
          ],
        ),
      );
      emitRemoved(removed, 0);
    },

    async deleteEntry(key) {
      const reply = await run('deleteEntry', () =>
        runScript(DELETE_ENTRY_SCRIPT, [keys.entry(key)], [key, keys.changesChannel, instanceId]),
      );
      emitRemoved(reply, 1);
      return Array.isArray(reply) && Number(reply[0]) === 1;
    },

    countEntries(tenantId) {
      return run('countEntries', async () =>
        Number(
          await runScript(COUNT_ENTRIES_SCRIPT, [keys.tenantKeys(tenantId)], [keys.entryPrefix]),
        ),
      );
    },

    async flushTenant(tenantId) {
      const reply = await run('flushTenant', () =>
        runScript(
          FLUSH_TENANT_SCRIPT,
          [keys.tenantKeys(tenantId)],
          [keys.entryPrefix, keys.changesChannel, instanceId],
        ),
      );
      emitRemoved(reply, 1);
      return Array.isArray(reply) ? Number(reply[0]) : 0;
    },

    async addVector(record) {
      const reply = await run('addVector', () =>
        runScript(
          ADD_VECTOR_SCRIPT,
          [keys.entry(record.entryKey), keys.vectors(record.indexKey)],
          [
            record.id,
            packVector(record),
            record.indexKey,
            encodeVectorAddedMessage(instanceId, record),
            keys.changesChannel,
            instanceId,
          ],
        ),
      );
      if (!Array.isArray(reply) || Number(reply[0]) !== 1) return;
      emitRemoved(reply, 1);
      emit({ type: 'vector-added', record });
    },

    async removeVector(indexKey, id) {
      const removed = await run('removeVector', async () =>
        Number(
          await runScript(
            REMOVE_VECTOR_SCRIPT,
            [keys.vectors(indexKey)],
            [id, indexKey, keys.changesChannel, instanceId],
          ),
        ),
      );
      if (removed !== 1) return false;
      emit({ type: 'vector-removed', indexKey, id });
      return true;
    },

    async listVectors(indexKey) {
      if (subscription) {
        // Changes made after this snapshot must reach the index built from it: let a fresh
        // subscription become active first (bounded, so a slow one never blocks the lookup).
        await Promise.race([subscription, sleep(unavailableWaitMs, { unref: true })]);
      }
      if (listeners.size > 0) listedIndexes.add(indexKey);
      return run('listVectors', async () => {
        const vectorsKey = keys.vectors(indexKey);
        const packed = await client.hgetallBuffer(vectorsKey);
        const records: VectorRecord[] = [];
        for (const [id, bytes] of Object.entries(packed)) {
          const record = unpackVector(id, indexKey, bytes);
          if (record) records.push(record);
        }
        if (records.length === 0) return records;
        // A vector lives only as long as its entry; entries that expired leave theirs behind.
        const pipeline = client.pipeline();
        for (const record of records) pipeline.exists(keys.entry(record.entryKey));
        const exists = (await pipeline.exec()) ?? [];
        const live = records.filter((_, index) => exists[index]?.[1] === 1);
        const dead = records
          .filter((_, index) => exists[index]?.[1] === 0)
          .map((record) => record.id);
        if (dead.length > 0) void client.hdel(vectorsKey, ...dead).catch(() => {});
        return live;
      });
    },

    subscribe(listener) {
      listeners.add(listener);
      ensureSubscriber();
      return () => {
        listeners.delete(listener);
      };
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

    async setDepHash(tenantId, depId, hash) {
      // Resolves only once the primary has applied it; every instance reads the primary, so no
      // instance can read the old hash after this returns.
      await run('setDepHash', () => client.hset(keys.depHashes(tenantId), depId, hash));
    },

    async incrementWindow(key, windowMs) {
      const reply = await run('incrementWindow', () =>
        runScript(
          INCREMENT_WINDOW_SCRIPT,
          [],
          [keys.rateWindow(key), Math.max(1, Math.ceil(windowMs))],
        ),
      );
      const [count, resetAt] = Array.isArray(reply) ? reply : [];
      return { count: Number(count), resetAt: Number(resetAt) };
    },

    async acquireLock(key, ttlMs) {
      const owner = randomUUID();
      const taken = await run('acquireLock', () =>
        client.set(keys.lock(key), owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
      );
      return taken === 'OK' ? owner : null;
    },

    async releaseLock(key, owner) {
      try {
        await run('releaseLock', () => runScript(RELEASE_LOCK_SCRIPT, [keys.lock(key)], [owner]));
      } catch {
        // Reported through onError; the lock expires by itself, so there is nothing to undo.
      }
    },

    async incrementStat(scope, stat, by = 1) {
      try {
        await run('incrementStat', () =>
          client.multi().hincrby(keys.stats(scope), stat, by).sadd(keys.statScopes, scope).exec(),
        );
      } catch {
        // Reported through onError; statistics are best-effort and callers do not wait for them.
      }
    },

    readStats() {
      return run('readStats', async () => {
        const scopes = await client.smembers(keys.statScopes);
        const pipeline = client.pipeline();
        for (const scope of scopes) pipeline.hgetall(keys.stats(scope));
        const replies = (await pipeline.exec()) ?? [];
        const stats: Record<string, Partial<Record<StatName, number>>> = {};
        scopes.forEach((scope, index) => {
          const counters = (replies[index]?.[1] ?? {}) as Record<string, string>;
          stats[scope] = Object.fromEntries(
            Object.entries(counters).map(([name, value]) => [name, Number(value)]),
          ) as Partial<Record<StatName, number>>;
        });
        return stats;
      });
    },

    subscribeErrors(listener) {
      errorListeners.add(listener);
      return () => {
        errorListeners.delete(listener);
      };
    },

    clear() {
      return run('clear', async () => {
        const pattern = `${prefix.replace(/[*?[\]\\]/g, (character) => `\\${character}`)}*`;
        let deleted = 0;
        let cursor = '0';
        do {
          const [next, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (found.length > 0) deleted += await client.unlink(...found);
        } while (cursor !== '0');
        return deleted;
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      for (const waiter of readyWaiters) {
        waiter.reject(
          new RedisStoreError('close', 'store_unavailable', 'The Redis store is closed.'),
        );
      }
      readyWaiters.clear();
      await Promise.all([disconnect(client), subscriber ? disconnect(subscriber) : undefined]);
    },
  };

  function subscriberIsReady(): boolean {
    return subscriber === undefined || subscribed;
  }

  return store;
}

/** Parses the stored form of an entry; a corrupt one reads as absent rather than failing requests. */
function decodeEntry(body: string, meta: string): CacheEntry | undefined {
  try {
    return { ...(JSON.parse(meta) as Omit<CacheEntry, 'body'>), body };
  } catch {
    return undefined;
  }
}

function toStoreError(operation: string, error: unknown, url: string): RedisStoreError {
  if (RedisStoreError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // A ReplyError is Redis answering "no" (a script or type error), not an outage.
  const answered = error instanceof Error && error.name === 'ReplyError';
  return new RedisStoreError(
    operation,
    answered ? 'store_failed' : 'store_unavailable',
    `Redis store ${operation} failed on ${url}: ${message}`,
    error,
  );
}

/** Closes a connection politely when it is up, at once otherwise (QUIT would wait for nothing). */
async function disconnect(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    const quit = connection.quit().then(
      () => true,
      () => false,
    );
    if (await Promise.race([quit, sleep(500, { unref: true }).then(() => false)])) return;
  }
  connection.disconnect();
}

/** The URL with its password replaced by `***`, safe to log. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Waits `ms`; an unref'd wait does not keep the process alive on its own. */
function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
}
