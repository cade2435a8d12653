import type { StatisticsStore, StatName } from '../statistics-store';

/** Counters of one process, by scope. */
export function createMemoryStatisticsStore(): StatisticsStore {
  const stats = new Map<string, Partial<Record<StatName, number>>>();
  return {
    async incrementStat(scope, stat, by = 1) {
      let counters = stats.get(scope);
      if (!counters) {
        counters = {};
        stats.set(scope, counters);
      }
      counters[stat] = (counters[stat] ?? 0) + by;
    },

    async readStats() {
      const result: Record<string, Partial<Record<StatName, number>>> = {};
      for (const [scope, counters] of stats) result[scope] = { ...counters };
      return result;
    },
  };
}
