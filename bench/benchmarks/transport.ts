import { CachecoreClient, encodeDepsHeader } from '@cachecore/core';
import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import type { Benchmark, BenchmarkReport, TargetCheck } from '../support/benchmark';
import { formatMs, formatSignedPercent } from '../support/format';
import { startBareServerProcess } from '../support/server-process';
import { median, percentile, roundTo } from '../support/statistics';

const WARM_UP_PAIRS = 300;
const ROUNDS = 9;
const PAIRS_PER_ROUND = 200;
const TARGET_OVERHEAD = 0.03;

type FetchFunction = typeof fetch;
type Measure = (fetchFunction: FetchFunction) => Promise<number>;

interface Scenario {
  name: string;
  /** Runs the measurement inside or outside an AsyncLocalStorage scope, the same for both sides. */
  wrap: <T>(run: () => Promise<T>) => Promise<T>;
  /** The Cachecore headers `cc.fetch` sends in this scenario, for the hand-written baseline. */
  headers: Record<string, string>;
}

/**
 * The baselines `cc.fetch` is compared with: plain `fetch` as it is, and plain `fetch` with the
 * same Cachecore headers added by hand (what an app without the transport would have to do, since
 * the protocol needs the token on every request). The second isolates the transport's own work.
 */
const BASELINES = ['plain fetch', 'fetch + same headers by hand'] as const;
type Baseline = (typeof BASELINES)[number];

function baselineFetch(baseline: Baseline, headers: Record<string, string>): FetchFunction {
  if (baseline === 'plain fetch') return globalThis.fetch;
  return (input, init) => {
    const withHeaders = new Headers(init?.headers);
    for (const [name, value] of Object.entries(headers)) withHeaders.set(name, value);
    return globalThis.fetch(input, { ...init, headers: withHeaders });
  };
}

/**
 * `cc.fetch` vs plain `fetch` to the same loopback server (a separate process): a JSON POST and the
 * time to the first byte of an SSE stream. Both sides run in the same conditions: outside any
 * scope, then both inside one `requestContext` scope with a dep (where `cc.fetch` also encodes
 * `X-Cachecore-Deps`), because an active AsyncLocalStorage slows every promise a little.
 */
export const transportBenchmark: Benchmark = {
  name: 'transport',
  description:
    'cc.fetch vs plain fetch (as is, and with the same headers by hand) on loopback: JSON latency and SSE time to first byte',
  async run(): Promise<BenchmarkReport> {
    const server = await startBareServerProcess();
    const tenantJwt = await createTenantToken({ secret: 'bench-secret', tenantId: 'bench' });
    const client = new CachecoreClient({ gatewayUrl: server.url, tenantJwt });
    try {
      const jsonUrl = `${server.url}/v1/chat/completions`;
      const requestBody = JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'What time zone is Tokyo in?' }],
      });
      const measureJson: Measure = async (fetchFunction) => {
        const started = performance.now();
        const response = await fetchFunction(jsonUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer placeholder' },
          body: requestBody,
        });
        await response.arrayBuffer();
        return performance.now() - started;
      };
      const measureFirstByte: Measure = async (fetchFunction) => {
        const started = performance.now();
        const response = await fetchFunction(`${server.url}/sse`);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        await reader.read();
        const firstByte = performance.now() - started;
        while (!(await reader.read()).done) {}
        return firstByte;
      };

      const scenarios: Scenario[] = [
        { name: 'no scope', wrap: (run) => run(), headers: { 'x-cachecore-token': tenantJwt } },
        {
          name: 'in a scope with deps',
          wrap: (run) => client.requestContext({ deps: ['doc:bench'] }, run),
          headers: {
            'x-cachecore-token': tenantJwt,
            'x-cachecore-deps': encodeDepsHeader(['doc:bench']),
          },
        },
      ];
      const rows: string[][] = [];
      const figures: Record<string, unknown> = {};
      const targets: TargetCheck[] = [];
      for (const baseline of BASELINES) {
        for (const scenario of scenarios) {
          for (const [kind, measure] of [
            ['JSON request', measureJson],
            ['SSE first byte', measureFirstByte],
          ] as const) {
            const result = await scenario.wrap(() =>
              comparePaired(measure, baselineFetch(baseline, scenario.headers), client.fetch),
            );
            const key = `vs ${baseline} / ${scenario.name} / ${kind}`;
            figures[key] = result;
            rows.push([
              baseline,
              scenario.name,
              kind,
              formatMs(result.plainFetchP50Ms),
              formatMs(result.cachecoreFetchP50Ms),
              `${Math.round((result.cachecoreFetchP50Ms - result.plainFetchP50Ms) * 1000)} µs`,
              formatSignedPercent(result.overhead),
              formatSignedPercent(result.overheadRange[0]),
              formatSignedPercent(result.overheadRange[1]),
            ]);
            // The target is the transport's own cost: sending the token is the protocol's, not
            // the transport's, and is the same for any client of the gateway.
            if (baseline === 'fetch + same headers by hand') {
              targets.push({
                figure: `cc.fetch overhead, ${key}`,
                measured: formatSignedPercent(result.overhead),
                target: `< ${TARGET_OVERHEAD * 100}%`,
                met: result.overhead < TARGET_OVERHEAD,
              });
            }
          }
        }
      }
      const table = formatTable(
        [
          { header: 'baseline' },
          { header: 'scope' },
          { header: 'measure' },
          { header: 'baseline p50', alignRight: true },
          { header: 'cc.fetch p50', alignRight: true },
          { header: 'difference', alignRight: true },
          { header: 'overhead', alignRight: true },
          { header: 'min round', alignRight: true },
          { header: 'max round', alignRight: true },
        ],
        rows,
      );
      return {
        table,
        notes: [
          `overhead = median over ${ROUNDS} rounds of (cc.fetch p50 / fetch p50 − 1); each round alternates ${PAIRS_PER_ROUND} request pairs, first side flipped every pair`,
        ],
        figures,
        settings: {
          warmUpPairs: WARM_UP_PAIRS,
          rounds: ROUNDS,
          pairsPerRound: PAIRS_PER_ROUND,
          server: 'node:http in a child process on 127.0.0.1',
        },
        targets,
      };
    } finally {
      await client.close();
      await server.close();
    }
  },
};

interface PairedComparison {
  plainFetchP50Ms: number;
  cachecoreFetchP50Ms: number;
  plainFetchP99Ms: number;
  cachecoreFetchP99Ms: number;
  /** Median over rounds of the per-round ratio minus 1. */
  overhead: number;
  /** Smallest and largest per-round overhead. */
  overheadRange: [number, number];
}

async function comparePaired(
  measure: Measure,
  plainFetch: FetchFunction,
  cachecoreFetch: FetchFunction,
): Promise<PairedComparison> {
  for (let pair = 0; pair < WARM_UP_PAIRS; pair++) {
    await measure(plainFetch);
    await measure(cachecoreFetch);
  }
  const plainAll: number[] = [];
  const cachecoreAll: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const plain: number[] = [];
    const cachecore: number[] = [];
    for (let pair = 0; pair < PAIRS_PER_ROUND; pair++) {
      if (pair % 2 === 0) {
        plain.push(await measure(plainFetch));
        cachecore.push(await measure(cachecoreFetch));
      } else {
        cachecore.push(await measure(cachecoreFetch));
        plain.push(await measure(plainFetch));
      }
    }
    ratios.push(median(cachecore) / median(plain));
    plainAll.push(...plain);
    cachecoreAll.push(...cachecore);
  }
  const overheads = ratios.map((ratio) => ratio - 1);
  return {
    plainFetchP50Ms: roundTo(median(plainAll), 4),
    cachecoreFetchP50Ms: roundTo(median(cachecoreAll), 4),
    plainFetchP99Ms: roundTo(percentile(plainAll, 0.99), 4),
    cachecoreFetchP99Ms: roundTo(percentile(cachecoreAll, 0.99), 4),
    overhead: roundTo(median(overheads), 4),
    overheadRange: [roundTo(Math.min(...overheads), 4), roundTo(Math.max(...overheads), 4)],
  };
}
