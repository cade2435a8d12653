import type { RedisConnection } from './redis-connection';
import type { RedisKeys } from './redis-keys';

/** Scopes remembered as registered before the memo starts over (a bound, not a working size). */
const MAX_REMEMBERED_SCOPES = 10_000;

/**
 * The set of statistics scopes (`stats:scopes`), which `readStats` walks. Each scope is added to it
 * with a `SADD` of its own (the set lives in its own hash slot, apart from every tenant's counters),
 * sent once per scope per process: a bounded memo remembers the scopes already registered, so an
 * L1 hit stays one command.
 */
export interface RedisStatScopes {
  /**
   * Sends `SADD` of `scope` unless this process already did, and returns its promise (`undefined`
   * when nothing was sent). Call it inside `RedisConnection.run`: it does not wait for the
   * connection. A failed `SADD` is forgotten, so the next call sends it again.
   */
  register(scope: string): Promise<void> | undefined;
  /** Forgets every registration, e.g. once the set may have been lost (`clear()`, a restart). */
  forget(): void;
}

export function createRedisStatScopes(
  connection: RedisConnection,
  keys: RedisKeys,
): RedisStatScopes {
  const registered = new Set<string>();
  // A Redis that comes back after an outage may have restarted empty: register everything again.
  connection.subscribeReconnections(() => registered.clear());
  return {
    register(scope) {
      if (registered.has(scope)) return undefined;
      if (registered.size >= MAX_REMEMBERED_SCOPES) registered.clear();
      registered.add(scope);
      return connection.client.sadd(keys.statScopes, scope).then(
        () => undefined,
        (error: unknown) => {
          registered.delete(scope);
          throw error;
        },
      );
    },
    forget: () => registered.clear(),
  };
}
