import type { GatewayLogger } from '../log/logger';
import { isRedisClusterUrl, parseRedisClusterUrl } from './redis/redis-cluster-url';
import { createRedisStore, maskRedisUrl } from './redis-store';
import type { Store } from './store';

/** Where the gateway's store lives (`--store`). */
export interface OpenStoreOptions {
  /**
   * `memory` (default), `redis://host:port/db` (`rediss://` for TLS), or
   * `redis-cluster://host:port[,host:port…]` for a Redis Cluster (seed nodes).
   */
  url: string;
  /** Key prefix of a Redis store. @default 'cc:' */
  redisPrefix?: string;
  /** The gateway's memory budget, in MiB (see `RedisStoreOptions.maxMemoryMb`). @default 256 */
  maxMemoryMb?: number;
  /** Receives the Redis store's connection warnings. */
  logger?: GatewayLogger;
  /**
   * How long to wait for Redis before starting anyway (requests are then served uncached until it
   * answers).
   * @default 2000
   */
  connectWaitMs?: number;
}

/**
 * Why `--store` (with `--redis-prefix`) cannot be served, as a message for the user; `undefined`
 * when it can. Only the form is checked: whether Redis answers is not a configuration question.
 */
export function findStoreProblem(url: string, redisPrefix = 'cc:'): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '' || trimmed === 'memory') return undefined;
  if (/^rediss?:\/\//.test(trimmed)) {
    try {
      new URL(trimmed);
      return undefined;
    } catch {
      return `Invalid --store "${maskRedisUrl(trimmed)}": not a valid redis:// URL.`;
    }
  }
  if (isRedisClusterUrl(trimmed)) {
    try {
      parseRedisClusterUrl(trimmed);
    } catch (error) {
      return `Invalid --store: ${(error as Error).message}`;
    }
    if (/[{}]/.test(redisPrefix)) {
      return `Invalid --redis-prefix "${redisPrefix}": on a Redis Cluster the prefix must not contain "{" or "}".`;
    }
    return undefined;
  }
  return `Unknown --store "${trimmed}": use "memory", a redis:// URL or a redis-cluster:// URL.`;
}

/**
 * Opens the store named by `--store`. `undefined` means the gateway's own in-memory store.
 * Throws with a message for the user when the URL cannot be served. An unreachable Redis is not an
 * error: the gateway starts, serves uncached with a warning, and uses Redis once it answers.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store | undefined> {
  const url = options.url.trim();
  const problem = findStoreProblem(url, options.redisPrefix);
  if (problem) throw new Error(problem);
  if (url === '' || url === 'memory') return undefined;
  const store = createRedisStore({
    url,
    prefix: options.redisPrefix,
    maxMemoryMb: options.maxMemoryMb,
    logger: options.logger,
  });
  await store.waitUntilReady(options.connectWaitMs ?? 2000);
  return store;
}
