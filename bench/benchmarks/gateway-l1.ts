import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import type { Benchmark, BenchmarkReport } from '../support/benchmark';
import { compareLoad, type LoadSide } from '../support/compare-load';
import { formatMs, formatPercentage, formatThroughput } from '../support/format';
import { primeGatewayHit } from '../support/gateway-hit';
import {
  BENCH_JWT_SECRET,
  MOCK_GATEWAY_ARGS,
  startBareServerProcess,
  startGatewayProcess,
} from '../support/server-process';

const LATENCY = { concurrency: 1, rounds: 5, roundMs: 1_000, warmUpMs: 1_000 };
const THROUGHPUT = { concurrency: 16, rounds: 5, roundMs: 2_000, warmUpMs: 1_500 };
const TARGET_THROUGHPUT_RATIO = 0.6;

/**
 * An L1 hit through the gateway (CLI, memory store, mock upstream) vs a bare node:http server that
 * returns the very same headers and body, each in its own process, driven by the same keep-alive
 * node:http client loop: latency at concurrency 1, throughput at concurrency 16.
 */
export const gatewayL1Benchmark: Benchmark = {
  name: 'gateway-l1',
  description: 'L1 hit through the gateway vs a bare node:http server returning the same bytes',
  async run(): Promise<BenchmarkReport> {
    const gateway = await startGatewayProcess(MOCK_GATEWAY_ARGS);
    let bare: Awaited<ReturnType<typeof startBareServerProcess>> | undefined;
    try {
      const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
      const exchange = await primeGatewayHit(gateway.url, tenantJwt);
      bare = await startBareServerProcess(exchange.responseFile);
      const side = (name: string, url: string, check?: LoadSide['check']): LoadSide => ({
        name,
        request: {
          url: `${url}/v1/chat/completions`,
          method: 'POST',
          headers: exchange.headers,
          body: exchange.body,
        },
        check,
      });
      const gatewaySide = side(
        'gateway HIT_L1',
        gateway.url,
        (_status, headers) => headers['x-cache'] === 'HIT_L1',
      );
      const bareSide = side('bare node:http', bare.url);

      const latency = await compareLoad(gatewaySide, bareSide, LATENCY);
      const throughput = await compareLoad(gatewaySide, bareSide, THROUGHPUT);
      const rejected = latency.candidate.rejected + throughput.candidate.rejected;
      if (rejected > 0) throw new Error(`${rejected} gateway answers were not HIT_L1`);

      const table = formatTable(
        [
          { header: 'server' },
          { header: 'p50 (c=1)', alignRight: true },
          { header: 'p99 (c=1)', alignRight: true },
          { header: 'p50 (c=16)', alignRight: true },
          { header: 'p99 (c=16)', alignRight: true },
          { header: 'throughput (c=16)', alignRight: true },
        ],
        [
          ['gateway HIT_L1', latency.candidate, throughput.candidate] as const,
          ['bare node:http', latency.baseline, throughput.baseline] as const,
        ].map(([name, atOne, atSixteen]) => [
          name,
          formatMs(atOne.p50Ms),
          formatMs(atOne.p99Ms),
          formatMs(atSixteen.p50Ms),
          formatMs(atSixteen.p99Ms),
          formatThroughput(atSixteen.throughput),
        ]),
      );
      return {
        table,
        notes: [
          `gateway / bare: throughput ${formatPercentage(throughput.throughputRatio)}, p50 latency ×${latency.p50Ratio.toFixed(2)} (medians of ${THROUGHPUT.rounds} alternating rounds)`,
        ],
        figures: {
          latencyConcurrency1: {
            gateway: latency.candidate,
            bareNodeHttp: latency.baseline,
            p50Ratio: latency.p50Ratio,
          },
          throughputConcurrency16: {
            gateway: throughput.candidate,
            bareNodeHttp: throughput.baseline,
            throughputRatio: throughput.throughputRatio,
            p50Ratio: throughput.p50Ratio,
          },
          throughputRatio: throughput.throughputRatio,
          latencyP50Ratio: latency.p50Ratio,
        },
        settings: {
          latency: LATENCY,
          throughput: THROUGHPUT,
          gateway: 'CLI from source, memory store, mock upstream, --log-level warn, child process',
          baseline: 'node:http child process answering the same headers and body',
          client: 'node:http keep-alive agent, one request in flight per loop',
        },
        targets: [
          {
            figure: 'gateway L1 hit throughput vs bare node:http',
            measured: formatPercentage(throughput.throughputRatio),
            target: `≥ ${TARGET_THROUGHPUT_RATIO * 100}%`,
            met: throughput.throughputRatio >= TARGET_THROUGHPUT_RATIO,
          },
        ],
      };
    } finally {
      await bare?.close();
      await gateway.close();
    }
  },
};
