import { CACHE_STATUSES } from '@cachecore/core';
import { formatDuration, formatPercent, formatTable } from '../support/result-table';
import type { TerminalStyle } from '../support/terminal-style';
import type { CallRecord } from './call-reporter';
import type { AdapterName } from './demo-adapters';

/** Figures the gateway itself reports, when the demo can read them. */
export interface GatewayFigures {
  /** Requests the upstream model received (the local mock upstream counts them). */
  upstreamRequests?: number;
  /** The gateway's own `tokens_saved` counter for the tenant. */
  tokensSaved?: number;
}

/** The totals of one demo run. */
export interface DemoSummary {
  calls: number;
  /** Calls per cache status (`ERROR` for calls that threw). */
  byStatus: Map<string, number>;
  /** Calls answered from the cache (any `HIT_*`). */
  hits: number;
  /** Calls that went through the cache (everything but `BYPASS` and errors). */
  cacheable: number;
  /** Median latency of the MISS calls of each adapter: what a hit would have cost without the cache. */
  missMedianMs: Map<AdapterName, number>;
  /** Σ over hits of (the adapter's median MISS latency − the hit's latency), never negative per hit. */
  timeSavedMs: number;
  /** Σ of `usage.total_tokens` of the answers served from the cache. */
  tokensSaved: number;
  failures: CallRecord[];
}

/** Core's statuses in their display order, then calls that failed outright. */
const STATUS_ORDER: readonly string[] = [...CACHE_STATUSES, 'ERROR'];

/** Adds up a run's call records. */
export function summariseCalls(records: readonly CallRecord[]): DemoSummary {
  const byStatus = new Map<string, number>();
  for (const record of records) {
    const status = record.outcome?.status ?? 'ERROR';
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const missLatencies = new Map<AdapterName, number[]>();
  for (const { call, outcome } of records) {
    if (outcome?.status !== 'MISS') continue;
    missLatencies.set(call.adapter, [
      ...(missLatencies.get(call.adapter) ?? []),
      outcome.latencyMs,
    ]);
  }
  const missMedianMs = new Map(
    [...missLatencies].map(([adapter, latencies]) => [adapter, median(latencies)] as const),
  );
  const overallMissMedian = median([...missLatencies.values()].flat());

  let hits = 0;
  let timeSavedMs = 0;
  let tokensSaved = 0;
  for (const { call, outcome } of records) {
    if (!outcome?.isHit) continue;
    hits += 1;
    const baseline = missMedianMs.get(call.adapter) ?? overallMissMedian;
    timeSavedMs += Math.max(0, baseline - outcome.latencyMs);
    tokensSaved += outcome.totalTokens ?? 0;
  }
  const uncached = (byStatus.get('BYPASS') ?? 0) + (byStatus.get('ERROR') ?? 0);
  return {
    calls: records.length,
    byStatus,
    hits,
    cacheable: records.length - uncached,
    missMedianMs,
    timeSavedMs,
    tokensSaved,
    failures: records.filter((record) => record.failure !== undefined),
  };
}

/** The summary tables: calls by tier, then the savings with how each figure is computed. */
export function formatSummary(
  summary: DemoSummary,
  style: TerminalStyle,
  gateway: GatewayFigures,
): string {
  const statuses = [...summary.byStatus.keys()].sort(
    (a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b),
  );
  const tierTable = formatTable(
    [
      { header: 'cache status' },
      { header: 'calls', alignRight: true },
      { header: 'share', alignRight: true },
    ],
    [
      ...statuses.map((status) => {
        const count = summary.byStatus.get(status) ?? 0;
        return [style.status(status), String(count), formatPercent(count / summary.calls)];
      }),
      [style.bold('total'), String(summary.calls), '100%'],
    ],
  );

  const baselines = [...summary.missMedianMs]
    .map(([adapter, ms]) => `${adapter} ${formatDuration(ms)}`)
    .join(', ');
  const savingsTable = formatTable(
    [{ header: 'figure' }, { header: 'value', alignRight: true }, { header: 'from' }],
    [
      [
        'hit rate',
        formatPercent(summary.cacheable === 0 ? 0 : summary.hits / summary.cacheable),
        `${summary.hits} hits / ${summary.cacheable} cached calls (bypass excluded)`,
      ],
      [
        'upstream calls avoided',
        String(summary.hits),
        gateway.upstreamRequests === undefined
          ? 'one per hit'
          : `one per hit; the model received ${gateway.upstreamRequests} requests for ${summary.calls} calls`,
      ],
      [
        'time saved',
        formatDuration(summary.timeSavedMs),
        'hit latency vs MISS latency (see below)',
      ],
      [
        'tokens saved',
        String(summary.tokensSaved),
        gateway.tokensSaved === undefined
          ? 'usage of the answers served from cache'
          : `usage of the answers served from cache (the gateway counted ${gateway.tokensSaved})`,
      ],
    ],
  );
  const footnote = style.dim(
    `time saved = Σ over hits of (median MISS latency of the same SDK in this run − the hit's latency);\nmedian MISS latency: ${baselines || 'no misses'}.`,
  );
  return `${style.bold('Summary')}\n${tierTable}\n\n${savingsTable}\n${footnote}\n`;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
