import type { StatisticsStore, StatName } from '../statistics-store';
import type { RedisStoreContext } from './redis-store-context';

/** Counters in one Redis hash per scope, plus the set of scopes that have some. */
export function createRedisStatisticsStore({
  connection,
  keys,
}: RedisStoreContext): StatisticsStore {
  const { run, client } = connection;
  return {
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
  };
}
