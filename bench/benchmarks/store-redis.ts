import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import { chooseCoreLayout } from '../support/bench-cores';
import { BENCH_REDIS_URL, connectBenchRedis } from '../support/bench-redis';
import { type Benchmark, type BenchmarkReport, skippedReport } from '../support/benchmark';
import { formatThroughput, formatWholeMs } from '../support/format';
import { gatewayHitTarget, primeGatewayHit } from '../support/gateway-hit';
import {
  type CostTarget,
  compareCost,
  measureServerCost,
  SERVER_COST_LOAD,
  starvedCoreWarning,
  summariseCost,
} from '../support/server-cost';
import {
  BENCH_JWT_SECRET,
  MOCK_GATEWAY_ARGS,
  type ServerProcess,
  startGatewayProcess,
} from '../support/server-process';

const LOAD = SERVER_COST_LOAD;

/**
 * An L1 hit with the Redis store against the memory store: two gateway CLIs started the same way
 * (`--log-level silent`), each pinned to the server core in turn, under the server-cost harness.
 * Skipped when no Redis answers on 127.0.0.1:6379. Keys go under a per-run prefix, deleted
 * afterwards.
 */
export const storeRedisBenchmark: Benchmark = {
  name: 'store-redis',
  description: 'L1 hit req/s and CPU per request with the Redis store vs the memory store',
  async run(): Promise<BenchmarkReport> {
    const connection = await connectBenchRedis();
    if (!('redis' in connection)) return skippedReport(connection.unavailable);
    const cores = chooseCoreLayout();
    const servers: ServerProcess[] = [];
    try {
      const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
      const start = async (name: string, storeArgs: string[]): Promise<CostTarget> => {
        const server = await startGatewayProcess(
          [...MOCK_GATEWAY_ARGS, '--log-level', 'silent', ...storeArgs],
          { core: cores.server },
        );
        servers.push(server);
        const exchange = await primeGatewayHit(server.url, tenantJwt);
        return { name, ...gatewayHitTarget(server, exchange, connection.helpers) };
      };
      const targets = [
        await start('redis', ['--store', BENCH_REDIS_URL, '--redis-prefix', connection.prefix]),
        await start('memory', []),
      ];
      const rounds = await measureServerCost(targets, { ...LOAD, loadCore: cores.load });
      const redisRounds = rounds.get('redis') ?? [];
      const memoryRounds = rounds.get('memory') ?? [];
      const ratio = compareCost(redisRounds, memoryRounds);
      const summaries = { redis: summariseCost(redisRounds), memory: summariseCost(memoryRounds) };
      const table = formatTable(
        [
          { header: 'store' },
          { header: 'req/s', alignRight: true },
          { header: 'gateway CPU/req', alignRight: true },
          { header: 'redis-server CPU/req', alignRight: true },
          { header: 'p50', alignRight: true },
          { header: 'p99', alignRight: true },
        ],
        (['redis', 'memory'] as const).map((name) => [
          name,
          formatThroughput(summaries[name].throughput),
          `${summaries[name].cpuMicrosPerRequest.toFixed(0)} µs`,
          summaries[name].helpers['redis-server'] === undefined
            ? 'n/a'
            : `${summaries[name].helpers['redis-server'].toFixed(0)} µs`,
          formatWholeMs(summaries[name].p50Ms),
          formatWholeMs(summaries[name].p99Ms),
        ]),
      );
      return {
        table,
        notes: [
          `redis / memory: throughput ${ratio.throughput.toFixed(2)}×, gateway CPU per request ${ratio.cpuPerRequest.toFixed(2)}× (medians of ${LOAD.rounds} rounds); ${cores.description}`,
          ...[starvedCoreWarning(summaries)].filter((note) => note !== undefined),
        ],
        figures: { ...summaries, redisVsMemory: ratio },
        settings: {
          ...LOAD,
          cores: cores.description,
          redis: `${BENCH_REDIS_URL}, redis-server ${connection.version}, same host, not pinned`,
          gateways: 'two CLI processes from source, mock upstream, --log-level silent',
        },
      };
    } finally {
      for (const server of servers) await server.close();
      await connection.close();
    }
  },
};
