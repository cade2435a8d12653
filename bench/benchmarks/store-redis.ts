import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
// The gateway tests' own three-master cluster on loopback ports (started and removed here).
import {
  checkRedisClusterBinaries,
  startTestRedisCluster,
  type TestRedisCluster,
} from '../../packages/gateway/test/support/redis-cluster-test-support';
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
 * An L1 hit with the Redis store against the memory store: gateway CLIs started the same way
 * (`--log-level silent`), each pinned to the server core in turn, under the server-cost harness;
 * with `redis-cli` installed, also on a Redis Cluster of three masters that the benchmark starts
 * on loopback ports (not pinned, like the single server). Skipped when no Redis answers on
 * 127.0.0.1:6379. Keys go under a per-run prefix, deleted afterwards.
 */
export const storeRedisBenchmark: Benchmark = {
  name: 'store-redis',
  description: 'L1 hit req/s and CPU per request with the Redis store vs the memory store',
  async run(): Promise<BenchmarkReport> {
    const connection = await connectBenchRedis();
    if (!('redis' in connection)) return skippedReport(connection.unavailable);
    const cores = chooseCoreLayout();
    const servers: ServerProcess[] = [];
    let cluster: TestRedisCluster | undefined;
    try {
      if (checkRedisClusterBinaries()) cluster = await startTestRedisCluster();
      const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
      const start = async (name: string, storeArgs: string[]): Promise<CostTarget> => {
        const server = await startGatewayProcess(
          [...MOCK_GATEWAY_ARGS, '--log-level', 'silent', ...storeArgs],
          { core: cores.server },
        );
        servers.push(server);
        const exchange = await primeGatewayHit(server.url, tenantJwt);
        return { name, ...gatewayHitTarget(server, exchange, helpers) };
      };
      let helpers = connection.helpers;
      const targets = [
        await start('redis', ['--store', BENCH_REDIS_URL, '--redis-prefix', connection.prefix]),
      ];
      if (cluster) {
        // Each master's CPU is reported as a helper of the cluster row, summed in the table.
        helpers = await Promise.all(
          cluster.nodes.map(async (_, index) => ({
            name: `redis-server ${index + 1}`,
            pid: Number(
              (await cluster?.node(index).info('server'))?.match(/process_id:(\d+)/)?.[1],
            ),
          })),
        );
        targets.push(await start('redis cluster', ['--store', cluster.url]));
        helpers = connection.helpers;
      }
      targets.push(await start('memory', []));
      const rounds = await measureServerCost(targets, { ...LOAD, loadCore: cores.load });
      const redisRounds = rounds.get('redis') ?? [];
      const memoryRounds = rounds.get('memory') ?? [];
      const clusterRounds = rounds.get('redis cluster') ?? [];
      const ratio = compareCost(redisRounds, memoryRounds);
      const clusterRatio = cluster ? compareCost(clusterRounds, memoryRounds) : undefined;
      const summaries = {
        redis: summariseCost(redisRounds),
        ...(cluster && { 'redis cluster': summariseCost(clusterRounds) }),
        memory: summariseCost(memoryRounds),
      };
      const redisCpu = (helpersOf: Record<string, number>) => {
        const values = Object.entries(helpersOf)
          .filter(([name]) => name.startsWith('redis-server'))
          .map(([, micros]) => micros);
        return values.length === 0
          ? 'n/a'
          : `${values.reduce((sum, micros) => sum + micros, 0).toFixed(0)} µs`;
      };
      const table = formatTable(
        [
          { header: 'store' },
          { header: 'req/s', alignRight: true },
          { header: 'gateway CPU/req', alignRight: true },
          { header: 'redis-server CPU/req', alignRight: true },
          { header: 'p50', alignRight: true },
          { header: 'p99', alignRight: true },
        ],
        Object.entries(summaries).map(([name, summary]) => [
          name,
          formatThroughput(summary.throughput),
          `${summary.cpuMicrosPerRequest.toFixed(0)} µs`,
          redisCpu(summary.helpers),
          formatWholeMs(summary.p50Ms),
          formatWholeMs(summary.p99Ms),
        ]),
      );
      return {
        table,
        notes: [
          `redis / memory: throughput ${ratio.throughput.toFixed(2)}×, gateway CPU per request ${ratio.cpuPerRequest.toFixed(2)}× (medians of ${LOAD.rounds} rounds); ${cores.description}`,
          ...(clusterRatio
            ? [
                `redis cluster / memory: throughput ${clusterRatio.throughput.toFixed(2)}×, gateway CPU per request ${clusterRatio.cpuPerRequest.toFixed(2)}× (three masters on this host, redis-server CPU summed over them)`,
              ]
            : ['redis cluster row skipped: redis-server and redis-cli are needed to start one']),
          ...[starvedCoreWarning(summaries)].filter((note) => note !== undefined),
        ],
        figures: { ...summaries, redisVsMemory: ratio, clusterVsMemory: clusterRatio },
        settings: {
          ...LOAD,
          cores: cores.description,
          redis: `${BENCH_REDIS_URL}, redis-server ${connection.version}, same host, not pinned`,
          gateways: 'two CLI processes from source, mock upstream, --log-level silent',
        },
      };
    } finally {
      for (const server of servers) await server.close();
      await cluster?.stop();
      await connection.close();
    }
  },
};
