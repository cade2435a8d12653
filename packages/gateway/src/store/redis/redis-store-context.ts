import type { RedisChangeFeed } from './redis-change-feed';
import type { RedisConnection } from './redis-connection';
import type { RedisKeys } from './redis-keys';
import type { RedisStatScopes } from './redis-stat-scopes';

/**
 * What each concern of the Redis store works with: one connection, one key layout, one feed, one
 * registry of statistics scopes.
 */
export interface RedisStoreContext {
  readonly connection: RedisConnection;
  readonly keys: RedisKeys;
  readonly feed: RedisChangeFeed;
  readonly scopes: RedisStatScopes;
  /** How long a snapshot waits for a fresh subscription (`unavailableWaitMs`). */
  readonly subscribeWaitMs: number;
}
