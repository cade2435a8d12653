import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import { chooseCoreLayout } from '../support/bench-cores';
import { type BenchRedis, connectBenchRedis } from '../support/bench-redis';
import type { Benchmark, BenchmarkReport } from '../support/benchmark';
import { formatThroughput, formatWholeMs } from '../support/format';
import {
  type CachedExchange,
  exchangeLoad,
  gatewayHitTarget,
  primeGatewayHit,
} from '../support/gateway-hit';
import {
  type CostSummary,
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
  startBareServerProcess,
  startGatewayProcess,
  startHonoServerProcess,
} from '../support/server-process';

const LOAD = SERVER_COST_LOAD;

/** How each row is started, what it answers, and which row it is compared with. */
interface TargetSpec {
  name: string;
  /** The row this one's ratios are against (same bytes, bare node:http). */
  baseline?: string;
  start: () => Promise<{ server: ServerProcess; target: Omit<CostTarget, 'name' | 'pid'> }>;
}

/**
 * What serving one cached completion costs the server: every target runs in its own process
 * pinned to core 1 while autocannon (32 connections) runs on core 0, so throughput is the server's
 * and not the client's; CPU time per request comes from `/proc/<pid>/stat`. Targets: bare
 * node:http answering the same bytes, Hono's parse-and-return floor, and the gateway CLI's L1 hit
 * (memory and Redis store, silent and default log level; JSON and SSE replay).
 */
export const serverCostBenchmark: Benchmark = {
  name: 'server-cost',
  description:
    'server req/s and CPU µs per request, one core each: bare node:http, Hono, gateway L1 hit (memory/Redis, logs on/off, JSON/SSE)',
  async run(): Promise<BenchmarkReport> {
    const cores = chooseCoreLayout();
    const pinned = { core: cores.server };
    const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
    const servers: ServerProcess[] = [];
    const redisOrReason = await connectBenchRedis();
    const redis: BenchRedis | undefined = 'redis' in redisOrReason ? redisOrReason : undefined;
    // On memory-store rows too: the shared redis-server works for other clients, and those rows
    // show how much.
    const redisHelpers = redis?.pid === undefined ? [] : [{ name: 'redis-server', pid: redis.pid }];
    const started = async (server: Promise<ServerProcess>) => {
      const running = await server;
      servers.push(running);
      return running;
    };
    const gatewayTarget = async (args: string[]) => {
      const server = await started(startGatewayProcess([...MOCK_GATEWAY_ARGS, ...args], pinned));
      const exchange = await primeGatewayHit(server.url, tenantJwt);
      return { server, exchange, target: gatewayHitTarget(server, exchange, redisHelpers) };
    };
    try {
      const memorySilent = await gatewayTarget(['--log-level', 'silent']);
      const memorySse = await primeGatewayHit(memorySilent.server.url, tenantJwt, { stream: true });
      const baselineTarget = async (
        start: typeof startHonoServerProcess,
        exchange: CachedExchange,
      ) => {
        const server = await started(start(exchange.responseFile, pinned));
        return { server, target: { load: exchangeLoad(server.url, exchange) } };
      };
      const redisArgs = (logs: string[]) =>
        redis ? ['--store', 'redis://127.0.0.1:6379', '--redis-prefix', redis.prefix, ...logs] : [];
      const specs: TargetSpec[] = [
        {
          name: 'bare node:http (JSON)',
          start: () => baselineTarget(startBareServerProcess, memorySilent.exchange),
        },
        {
          name: 'Hono parse-and-return',
          baseline: 'bare node:http (JSON)',
          start: () => baselineTarget(startHonoServerProcess, memorySilent.exchange),
        },
        {
          name: 'gateway L1, memory, silent',
          baseline: 'bare node:http (JSON)',
          start: async () => memorySilent,
        },
        {
          name: 'gateway L1, memory, default logs',
          baseline: 'bare node:http (JSON)',
          start: () => gatewayTarget([]),
        },
        ...(redis
          ? [
              {
                name: 'gateway L1, Redis, silent',
                baseline: 'bare node:http (JSON)',
                start: () => gatewayTarget(redisArgs(['--log-level', 'silent'])),
              },
              {
                name: 'gateway L1, Redis, default logs',
                baseline: 'bare node:http (JSON)',
                start: () => gatewayTarget(redisArgs([])),
              },
            ]
          : []),
        {
          name: 'bare node:http (SSE bytes)',
          start: () => baselineTarget(startBareServerProcess, memorySse),
        },
        {
          name: 'gateway L1 SSE replay, memory, silent',
          baseline: 'bare node:http (SSE bytes)',
          start: async () => ({
            server: memorySilent.server,
            target: gatewayHitTarget(memorySilent.server, memorySse, redisHelpers),
          }),
        },
      ];
      const targets: CostTarget[] = [];
      for (const spec of specs) {
        const { server, target } = await spec.start();
        targets.push({ ...target, name: spec.name, pid: server.pid });
      }
      const rounds = await measureServerCost(targets, { ...LOAD, loadCore: cores.load });

      const figures: Record<string, unknown> = {};
      const rows: string[][] = [];
      const summaries: Record<string, CostSummary> = {};
      for (const spec of specs) {
        const windows = rounds.get(spec.name) ?? [];
        const summary = summariseCost(windows);
        summaries[spec.name] = summary;
        const ratio = spec.baseline
          ? compareCost(windows, rounds.get(spec.baseline) ?? [])
          : undefined;
        figures[spec.name] = { ...summary, ...(ratio && { vsBare: ratio }) };
        rows.push([
          spec.name,
          formatThroughput(summary.throughput),
          ratio ? `${ratio.throughput.toFixed(2)}×` : '1',
          `${summary.cpuMicrosPerRequest.toFixed(0)} µs`,
          ratio ? `${ratio.cpuPerRequest.toFixed(2)}×` : '1',
          `${Math.round(summary.serverCoreUse * 100)}%`,
          formatWholeMs(summary.p50Ms),
          formatWholeMs(summary.p99Ms),
          summary.helpers['redis-server'] === undefined
            ? ''
            : `${summary.helpers['redis-server'].toFixed(0)} µs`,
        ]);
      }
      const notes = [
        `ratios: median over ${LOAD.rounds} rounds of (row / bare node:http serving the same bytes) in the same round; ${LOAD.roundSeconds} s windows after a ${LOAD.warmUpSeconds} s warm-up each, autocannon -c ${LOAD.connections}; ${cores.description}`,
        'core use = server CPU time / wall time of the window (near 100%: the server is the bottleneck, not the client)',
        'redis CPU/req = redis-server CPU time per request in the window; it serves other clients too, which the memory rows show',
      ];
      const pair = (candidate: string, baseline: string, label: string) => {
        const candidateRounds = rounds.get(candidate);
        const baselineRounds = rounds.get(baseline);
        if (!candidateRounds || !baselineRounds) return;
        const ratio = compareCost(candidateRounds, baselineRounds);
        figures[label] = ratio;
        const extraMicros =
          summariseCost(candidateRounds).cpuMicrosPerRequest -
          summariseCost(baselineRounds).cpuMicrosPerRequest;
        notes.push(
          `${label}: throughput ${ratio.throughput.toFixed(2)}×, CPU per request ${ratio.cpuPerRequest.toFixed(2)}× (${extraMicros >= 0 ? '+' : ''}${extraMicros.toFixed(0)} µs)`,
        );
      };
      pair('gateway L1, Redis, silent', 'gateway L1, memory, silent', 'Redis / memory, silent');
      pair(
        'gateway L1, Redis, default logs',
        'gateway L1, memory, default logs',
        'Redis / memory, default logs',
      );
      pair(
        'gateway L1, memory, default logs',
        'gateway L1, memory, silent',
        'default logs / silent, memory',
      );
      const warning = starvedCoreWarning(summaries);
      if (warning) notes.push(warning);
      if ('unavailable' in redisOrReason) {
        notes.push(`Redis rows skipped: ${redisOrReason.unavailable}`);
      }
      const table = formatTable(
        [
          { header: 'target' },
          { header: 'req/s', alignRight: true },
          { header: '× bare', alignRight: true },
          { header: 'CPU/req', alignRight: true },
          { header: 'CPU × bare', alignRight: true },
          { header: 'core use', alignRight: true },
          { header: 'p50', alignRight: true },
          { header: 'p99', alignRight: true },
          { header: 'redis CPU/req', alignRight: true },
        ],
        rows,
      );
      return {
        table,
        notes,
        figures,
        settings: {
          ...LOAD,
          cores: cores.description,
          answerBytes: { json: memorySilent.exchange.answerBytes, sse: memorySse.answerBytes },
          loadGenerator: 'autocannon 9, its own process',
          gateway:
            'CLI from source (node --import tsx), mock upstream, L2 on; default logs = --log-level info to a drained pipe',
          ...(redis && { redis: `redis-server ${redis.version}, same host, not pinned` }),
        },
      };
    } finally {
      for (const server of servers.reverse()) await server.close();
      await redis?.close();
    }
  },
};
