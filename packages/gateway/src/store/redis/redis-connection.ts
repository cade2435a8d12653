import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { GatewayLogger } from '../../log/logger';
import type { LuaScript } from './lua-scripts';
import { reconnectDelay } from './reconnect-delay';
import {
  formatRedisClusterUrl,
  isRedisClusterUrl,
  maskRedisClusterUrl,
  parseRedisClusterNode,
  parseRedisClusterUrl,
  type RedisClusterNode,
} from './redis-cluster-url';
import { RedisStoreError } from './redis-store-error';
import type { ScriptPipeline } from './script-pipeline';
import { openScriptPipelines } from './script-pipelines';

/** Options of the connection of a Redis store (`createRedisStore` takes them too). */
export interface RedisConnectionOptions {
  /**
   * Where Redis listens: `redis://[[user]:password@]host:port/db`, or `rediss://…` for TLS (the
   * database number is the path, `/0` when absent); or a Redis Cluster,
   * `redis-cluster://[[user]:password@]host:port[,host:port…]` (seed nodes). Required unless
   * `cluster` is given.
   */
  url?: string;
  /**
   * A Redis Cluster, instead of `url`: its seed nodes (`'host:port'` or `{ host, port }`); the
   * client discovers the rest. `redisOptions` apply to every node (user, password, TLS).
   */
  cluster?: RedisClusterConnection;
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
  /**
   * Extra `ioredis` options (TLS, username, …), applied before the store's own resilience settings.
   * On a cluster they are the options of every node.
   */
  redisOptions?: RedisOptions;
}

/** The Redis Cluster a store connects to (`RedisConnectionOptions.cluster`). */
export interface RedisClusterConnection {
  /** Seed nodes: `'host:port'` or `{ host, port }`. At least one must be reachable at startup. */
  nodes: readonly (string | RedisClusterNode)[];
}

/**
 * Where the command connection stands: `connecting` until the first `ready` (calls wait a little),
 * `ready`, `unavailable` during a noticed outage (calls fail at once) and `closed` for good.
 */
export type RedisConnectionState = 'connecting' | 'ready' | 'unavailable' | 'closed';

/**
 * The command connection of a Redis store and its failure contract: calls never queue while Redis
 * is away, every failure becomes a {@link RedisStoreError} reported to the error listeners, and an
 * outage is logged once, not once per reconnection attempt. On a cluster the connection is
 * `unavailable` while no node answers; while only some masters are down, calls to their slots
 * fail (as `store_unavailable`) and the others go on.
 */
export interface RedisConnection {
  /** The ioredis client (a `Cluster` on a cluster); use it only inside {@link RedisConnection.run}. */
  readonly client: Redis | Cluster;
  /** Whether the store talks to a Redis Cluster. */
  readonly isCluster: boolean;
  /** The URL with any password masked, for logs and messages. */
  readonly displayUrl: string;
  readonly state: RedisConnectionState;
  /** Runs `command` once the connection is usable, turning every failure into a reported `RedisStoreError`. */
  run<T>(operation: string, command: () => Promise<T>): Promise<T>;
  /** Runs a Lua script by SHA, sending its source only when the server does not know it yet. */
  runScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number | Buffer)[],
  ): Promise<unknown>;
  /**
   * Runs a script of the hit path, as {@link runScript} does and with the same answers and
   * errors; unless `redisOptions` hold more than TLS, credentials, database, address family and
   * connection name, through a connection of its own made the same way (one per master
   * on a cluster) that carries nothing but these scripts (a general client's per-command work is
   * a large part of a Redis hit), while that connection is up.
   */
  runHotScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown>;
  /**
   * The hit path's own connection for commands on the slot of `key` (see {@link runHotScript}),
   * when there is one and it is up; `undefined` sends the caller to {@link runHotScript}. Use it
   * inside {@link run}; a reply `MOVED`/`ASK` ({@link isRedirection}) means the caller should go
   * through {@link runHotScript} instead.
   */
  hotPipelineFor(key: string): ScriptPipeline | undefined;
  /**
   * Resolves once every counter increment made on the hit path's connections so far is applied
   * in Redis (nothing to wait for without them); never rejects.
   */
  syncHotPipelines(): Promise<void>;
  /** Listens to every failed call. Returns the unsubscribe function. */
  subscribeErrors(listener: (error: RedisStoreError) => void): () => void;
  /**
   * Listens to the connection coming back after an outage (the server may have restarted and lost
   * what it held). Returns the unsubscribe function.
   */
  subscribeReconnections(listener: () => void): () => void;
  /** The connection of every master (the one server when not a cluster), e.g. to `SCAN` them all. */
  masters(): Redis[];
  /**
   * A second client to the same server or cluster, for pub/sub: it queues while disconnected (only
   * `SUBSCRIBE` ever goes through it), without a command timeout, and subscribes again after
   * every reconnection.
   */
  createSubscriber(): Redis | Cluster;
  /** Rejects waiting calls and closes the connection. */
  close(): Promise<void>;
}

/** How often a cluster node that keeps failing is warned about, at most. */
const NODE_WARNING_INTERVAL_MS = 60_000;

/** Opens the command connection of a Redis store (it connects in the background). */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const logger = options.logger;
  const unavailableWaitMs = options.unavailableWaitMs ?? 300;
  const { client, displayUrl } = openClient(options);
  const pipelines = openScriptPipelines({
    client,
    url: options.url,
    callerOptions: options.redisOptions,
    limits: connectionLimits(options),
  });
  const errorListeners = new Set<(error: RedisStoreError) => void>();
  const reconnectionListeners = new Set<() => void>();
  if (options.onError) errorListeners.add(options.onError);
  const readyWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  let state: RedisConnectionState = 'connecting';
  let lastConnectionError: string | undefined;

  client.on('error', (error: Error) => {
    lastConnectionError = error.message;
    if (state === 'closed' || state === 'unavailable') return;
    // One warning per outage: ioredis reports an error for every reconnection attempt.
    state = 'unavailable';
    logger?.warn('redis store unavailable; requests are served uncached until it is back', {
      url: displayUrl,
      error: error.message,
    });
  });
  if (client instanceof Cluster) {
    // A node of a cluster can fail alone: the tenants whose slots it serves are answered uncached
    // while the others are served, and the client stays ready. Say so, once per node and minute
    // (ioredis reports every failed reconnection attempt), unless the whole cluster is down, which
    // has its own warning.
    const warnedAt = new Map<string, number>();
    client.on('node error', (error: Error, address: string) => {
      if (state !== 'ready') return;
      const now = Date.now();
      const last = warnedAt.get(address);
      if (last !== undefined && now - last < NODE_WARNING_INTERVAL_MS) return;
      warnedAt.set(address, now);
      logger?.warn(
        'redis cluster node unreachable; tenants whose keys it holds are served uncached',
        {
          url: displayUrl,
          node: address,
          error: error.message,
        },
      );
    });
  }
  client.on('ready', () => {
    if (state === 'closed') return;
    const reconnected = state === 'unavailable';
    if (reconnected) logger?.info('redis store reconnected', { url: displayUrl });
    state = 'ready';
    lastConnectionError = undefined;
    for (const waiter of readyWaiters) waiter.resolve();
    readyWaiters.clear();
    if (reconnected) for (const listener of reconnectionListeners) listener();
  });
  client.on('close', () => {
    if (state !== 'ready') return;
    state = 'unavailable';
    logger?.warn('redis store connection lost; requests are served uncached until it is back', {
      url: displayUrl,
    });
  });

  function unavailableError(operation: string): RedisStoreError {
    const reason = lastConnectionError ?? `connection ${client.status}`;
    return new RedisStoreError(
      operation,
      'store_unavailable',
      `Redis store ${operation} failed: Redis at ${displayUrl} is unavailable (${reason}).`,
    );
  }

  function waitForConnection(operation: string): Promise<void> {
    if (client.status === 'ready') return Promise.resolve();
    if (state === 'closed' || client.status === 'end')
      return Promise.reject(closedError(operation));
    // A known outage: fail at once, so a request that falls back to upstream pays no wait.
    if (state === 'unavailable') return Promise.reject(unavailableError(operation));
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

  function runScript(
    script: LuaScript,
    keys: readonly string[],
    args: readonly (string | number | Buffer)[],
  ): Promise<unknown> {
    return client.evalsha(script.sha1, keys.length, ...keys, ...args).catch((error: unknown) => {
      // First use on this server (or after SCRIPT FLUSH / a restart): send the source once.
      if (!isMissingScript(error)) throw error;
      return client.eval(script.source, keys.length, ...keys, ...args);
    });
  }

  function report(error: RedisStoreError): void {
    for (const listener of errorListeners) {
      try {
        listener(error);
      } catch {
        // Reporting must never change the outcome of the call.
      }
    }
  }

  return {
    client,
    isCluster: client instanceof Cluster,
    displayUrl,
    get state() {
      return state;
    },

    async run(operation, command) {
      try {
        // Ready is the usual case: no extra promise turn for it.
        if (client.status !== 'ready') await waitForConnection(operation);
        return await command();
      } catch (error) {
        const storeError = toStoreError(operation, error, displayUrl);
        report(storeError);
        throw storeError;
      }
    },

    runScript,

    runHotScript(script, keys, args) {
      const pipeline = pipelines?.forKey(keys[0] ?? '');
      if (pipeline === undefined) return runScript(script, keys, args);
      return pipeline.evalsha(script.sha1, keys, args).catch((error: unknown) => {
        // The main client loads the script (the pipeline only ever runs known ones), and follows
        // a slot that moved (refreshing its slot map).
        if (!isMissingScript(error) && !isRedirection(error)) throw error;
        return runScript(script, keys, args);
      });
    },

    hotPipelineFor: (key) => pipelines?.forKey(key),

    syncHotPipelines: async () => {
      await pipelines?.sync();
    },

    subscribeErrors(listener) {
      errorListeners.add(listener);
      return () => {
        errorListeners.delete(listener);
      };
    },

    subscribeReconnections(listener) {
      reconnectionListeners.add(listener);
      return () => {
        reconnectionListeners.delete(listener);
      };
    },

    masters: () => (client instanceof Cluster ? client.nodes('master') : [client]),

    createSubscriber() {
      if (client instanceof Cluster) {
        return client.duplicate([], {
          enableOfflineQueue: true,
          enableAutoPipelining: false,
          redisOptions: {
            ...client.options.redisOptions,
            maxRetriesPerRequest: null,
            commandTimeout: undefined,
          },
        });
      }
      return client.duplicate({
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        commandTimeout: undefined,
        enableAutoPipelining: false,
      });
    },

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      pipelines?.close();
      for (const waiter of readyWaiters) waiter.reject(closedError('close'));
      readyWaiters.clear();
      await disconnectRedis(client);
    },
  };
}

/**
 * Opens the ioredis client for the server or cluster `options` name, with the store's resilience
 * settings, and returns it with its URL for logs. A cluster client gets the settings of a single
 * connection: no offline queue, no retried commands, a command timeout, auto-pipelining, capped
 * reconnection backoff; and it reads from masters only.
 */
function openClient(options: RedisConnectionOptions): {
  client: Redis | Cluster;
  displayUrl: string;
} {
  const limits = connectionLimits(options);
  const backoff = (attempt: number) => reconnectDelay(attempt, limits.maxReconnectDelayMs);
  const commandSettings = {
    // Commands in flight when the connection drops are rejected rather than resent: a resent write
    // might run twice, and the request has moved on to upstream anyway.
    maxRetriesPerRequest: 0,
    commandTimeout: limits.commandTimeoutMs,
    connectTimeout: limits.connectTimeoutMs,
  };
  const cluster = resolveCluster(options);
  if (!cluster) {
    if (!options.url) throw new Error('A Redis store needs a `url` or a `cluster`.');
    const client = new Redis(options.url, {
      ...options.redisOptions,
      // Fail fast instead of queueing while disconnected: a cache that answers late is worse than
      // none, since the gateway can always call upstream.
      enableOfflineQueue: false,
      ...commandSettings,
      retryStrategy: backoff,
      // Concurrent requests share round trips, which is most of an L1 hit's cost.
      enableAutoPipelining: true,
      lazyConnect: false,
    });
    return { client, displayUrl: maskRedisUrl(options.url) };
  }
  const client = new Cluster(cluster.nodes, {
    enableOfflineQueue: false,
    // Batches concurrent commands per node.
    enableAutoPipelining: true,
    // Replicas may lag: an invalidation must be read back at once, so everything goes to masters.
    scaleReads: 'master',
    clusterRetryStrategy: backoff,
    // A command to a node that just went away fails at once rather than being retried later.
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    lazyConnect: false,
    redisOptions: {
      // Per-node connection settings only: ioredis decides the rest (hosts, retries) itself.
      ...(options.redisOptions as ClusterOptions['redisOptions']),
      ...cluster.credentials,
      ...commandSettings,
    },
  });
  return { client, displayUrl: cluster.displayUrl };
}

/** The connection's time limits, defaults applied. */
function connectionLimits(options: RedisConnectionOptions) {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    commandTimeoutMs: options.commandTimeoutMs ?? 1000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 1000,
  };
}

/** Whether `error` is Redis saying it does not know a script (first use, SCRIPT FLUSH, restart). */
function isMissingScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** Whether `error` is a cluster node saying another node serves the slot (now or during a move). */
export function isRedirection(error: unknown): boolean {
  return error instanceof Error && /^(MOVED|ASK) /.test(error.message);
}

/** The cluster `options` name (`cluster`, or a `redis-cluster://` URL), if they name one. */
function resolveCluster(options: RedisConnectionOptions):
  | {
      nodes: RedisClusterNode[];
      credentials: { username?: string; password?: string };
      displayUrl: string;
    }
  | undefined {
  if (options.cluster) {
    if (options.url !== undefined) {
      throw new Error('A Redis store takes a `url` or a `cluster`, not both.');
    }
    const nodes = options.cluster.nodes.map((node) => {
      if (typeof node !== 'string') return node;
      const parsed = parseRedisClusterNode(node);
      if (!parsed) throw new Error(`Invalid Redis Cluster node "${node}": expected host:port.`);
      return parsed;
    });
    if (nodes.length === 0) throw new Error('A Redis Cluster needs at least one seed node.');
    return { nodes, credentials: {}, displayUrl: formatRedisClusterUrl(nodes) };
  }
  if (options.url === undefined || !isRedisClusterUrl(options.url)) return undefined;
  const { nodes, ...credentials } = parseRedisClusterUrl(options.url);
  return { nodes, credentials, displayUrl: maskRedisClusterUrl(options.url.trim()) };
}

function closedError(operation: string): RedisStoreError {
  return new RedisStoreError(operation, 'store_unavailable', 'The Redis store is closed.');
}

function toStoreError(operation: string, error: unknown, url: string): RedisStoreError {
  if (RedisStoreError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // A ReplyError is Redis answering "no" (a script or type error), not an outage; except the
  // answers of a node that cannot serve the slot right now (a cluster failing over or resharding).
  const answered =
    error instanceof Error && error.name === 'ReplyError' && !NOT_SERVING_NOW.test(message);
  return new RedisStoreError(
    operation,
    answered ? 'store_failed' : 'store_unavailable',
    `Redis store ${operation} failed on ${url}: ${message}`,
    error,
  );
}

/** Replies of a node that cannot serve a command right now, though it might in a moment. */
const NOT_SERVING_NOW = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY)\b/;

/** Closes a connection politely when it is up, at once otherwise (QUIT would wait for nothing). */
export async function disconnectRedis(connection: Redis | Cluster): Promise<void> {
  if (connection.status === 'ready') {
    const quit = connection.quit().then(
      () => true,
      () => false,
    );
    if (await Promise.race([quit, sleep(500, { unref: true }).then(() => false)])) return;
  }
  connection.disconnect();
}

/** The URL (`redis://`, `rediss://` or `redis-cluster://`) with its password as `***`, safe to log. */
export function maskRedisUrl(url: string): string {
  if (isRedisClusterUrl(url)) return maskRedisClusterUrl(url);
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Waits `ms`; an unref'd wait does not keep the process alive on its own. */
export function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
}
