import type { StatisticsStore, StatName } from '../statistics-store';
import type { RedisStoreContext } from './redis-store-context';

/**
 * Counters in one Redis hash per scope (in the scope's hash slot), plus the set of scopes that
 * have some, filled once per scope per process (`RedisStatScopes`).
 */
export function createRedisStatisticsStore({
  connection,
  keys,
  scopes,
}: RedisStoreContext): StatisticsStore {
  const { run, client } = connection;
  return {
    async incrementStat(scope, stat, by = 1) {
      try {
        // Two independent commands, not a transaction: the counter and the set are in two slots.
        await run('incrementStat', () =>
          Promise.all([client.hincrby(keys.stats(scope), stat, by), scopes.register(scope)]),
        );
      } catch {
        // Reported through onError; statistics are best-effort and callers do not wait for them.
      }
    },

    readStats() {
      return run('readStats', async () => {
        // Hits this instance answered and counted on the hit path's connections.
        await connection.syncHotPipelines();
        const scopeIds = await client.smembers(keys.statScopes);
        // One command per scope, each to its own slot; auto-pipelining batches those of one node.
        const replies = await Promise.all(
          scopeIds.map((scope) => client.hgetall(keys.stats(scope))),
        );
        const stats: Record<string, Partial<Record<StatName, number>>> = {};
        scopeIds.forEach((scope, index) => {
          const counters = Object.entries(replies[index] ?? {});
          // A scope registered by a lookup that found nothing to count has no counters yet.
          if (counters.length === 0) return;
          stats[scope] = Object.fromEntries(
            counters.map(([name, value]) => [name, Number(value)]),
          ) as Partial<Record<StatName, number>>;
        });
        return stats;
      });
    },
  };
}
