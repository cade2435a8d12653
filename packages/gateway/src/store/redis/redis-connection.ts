import { Redis, type RedisOptions } from 'ioredis';
import type { GatewayLogger } from '../../log/logger';
import type { LuaScript } from './lua-scripts';
import { RedisStoreError } from './redis-store-error';

/** Options of the connection of a Redis store (`createRedisStore` takes them too). */
export interface RedisConnectionOptions {
  /**
   * Where Redis listens: `redis://[[user]:password@]host:port/db`, or `rediss://…` for TLS. The
   * database number is the path (`/0` when absent).
   */
  url: string;
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

/**
 * Where the command connection stands: `connecting` until the first `ready` (calls wait a little),
 * `ready`, `unavailable` during a noticed outage (calls fail at once) and `closed` for good.
 */
export type RedisConnectionState = 'connecting' | 'ready' | 'unavailable' | 'closed';

/**
 * The command connection of a Redis store and its failure contract: calls never queue while Redis
 * is away, every failure becomes a {@link RedisStoreError} reported to the error listeners, and an
 * outage is logged once, not once per reconnection attempt.
 */
export interface RedisConnection {
  /** The ioredis client; use it only inside {@link RedisConnection.run}. */
  readonly client: Redis;
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
  /** Listens to every failed call. Returns the unsubscribe function. */
  subscribeErrors(listener: (error: RedisStoreError) => void): () => void;
  /**
   * Listens to the connection coming back after an outage (the server may have restarted and lost
   * what it held). Returns the unsubscribe function.
   */
  subscribeReconnections(listener: () => void): () => void;
  /** A second connection to the same server (same options), e.g. for pub/sub. */
  duplicate(overrides: RedisOptions): Redis;
  /** Rejects waiting calls and closes the connection. */
  close(): Promise<void>;
}

/** Opens the command connection of a Redis store (it connects in the background). */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const logger = options.logger;
  const unavailableWaitMs = options.unavailableWaitMs ?? 300;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 1000;
  const displayUrl = maskRedisUrl(options.url);
  const errorListeners = new Set<(error: RedisStoreError) => void>();
  const reconnectionListeners = new Set<() => void>();
  if (options.onError) errorListeners.add(options.onError);
  const readyWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  let state: RedisConnectionState = 'connecting';
  let lastConnectionError: string | undefined;

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
    displayUrl,
    get state() {
      return state;
    },

    async run(operation, command) {
      try {
        await waitForConnection(operation);
        return await command();
      } catch (error) {
        const storeError = toStoreError(operation, error, displayUrl);
        report(storeError);
        throw storeError;
      }
    },

    async runScript(script, keys, args) {
      try {
        return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
      } catch (error) {
        // First use on this server (or after SCRIPT FLUSH / a restart): send the source once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(script.source, keys.length, ...keys, ...args);
      }
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

    duplicate: (overrides) => client.duplicate(overrides),

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      for (const waiter of readyWaiters) waiter.reject(closedError('close'));
      readyWaiters.clear();
      await disconnectRedis(client);
    },
  };
}

function closedError(operation: string): RedisStoreError {
  return new RedisStoreError(operation, 'store_unavailable', 'The Redis store is closed.');
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
export async function disconnectRedis(connection: Redis): Promise<void> {
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
export function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
}
