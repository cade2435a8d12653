/** The per-tenant counters behind `GET /admin/stats`. */
export interface StatisticsStore {
  /** Adds `by` to a statistics counter of a tenant (`bypass` traffic uses the scope `*bypass`). */
  incrementStat(scope: string, stat: StatName, by?: number): Promise<void>;
  /** Every counter, by scope. */
  readStats(): Promise<Record<string, Partial<Record<StatName, number>>>>;
}

/** The statistics a gateway keeps per tenant. */
export type StatName =
  | 'hits_l1'
  | 'hits_l1_stale'
  | 'hits_l2'
  | 'misses'
  | 'collapsed'
  | 'bypass'
  | 'tokens_saved'
  | 'upstream_errors';

/** All statistic names, in display order. */
export const STAT_NAMES: readonly StatName[] = [
  'hits_l1',
  'hits_l1_stale',
  'hits_l2',
  'misses',
  'collapsed',
  'bypass',
  'tokens_saved',
  'upstream_errors',
];

/** The scope under which bypass traffic (no tenant) is counted. */
export const BYPASS_STATS_SCOPE = '*bypass';
