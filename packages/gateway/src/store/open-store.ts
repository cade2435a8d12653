import type { GatewayLogger } from '../log/logger';
import { createRedisStore } from './redis-store';
import type { Store } from './store';

/** Where the gateway's store lives (`--store`). */
export interface OpenStoreOptions {
  /** `memory` (default) or `redis://host:port/db` (`rediss://` for TLS). */
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
 * Opens the store named by `--store`. `undefined` means the gateway's own in-memory store.
 * Throws with a message for the user when the URL cannot be served. An unreachable Redis is not an
 * error: the gateway starts, serves uncached with a warning, and uses Redis once it answers.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store | undefined> {
  const url = options.url.trim();
  if (url === '' || url === 'memory') return undefined;
  if (/^rediss?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new Error(`Invalid --store "${url}": not a valid redis:// URL.`);
    }
    const store = createRedisStore({
      url,
      prefix: options.redisPrefix,
      maxMemoryMb: options.maxMemoryMb,
      logger: options.logger,
    });
    await store.waitUntilReady(options.connectWaitMs ?? 2000);
    return store;
  }
  throw new Error(`Unknown --store "${url}": use "memory" or a redis:// URL.`);
}
