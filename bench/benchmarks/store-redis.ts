import { randomUUID } from 'node:crypto';
import { createTenantToken } from '@cachecore/gateway';
import { Redis } from 'ioredis';
import { formatTable } from '../../examples/support/result-table';
import { type Benchmark, type BenchmarkReport, skippedReport } from '../support/benchmark';
import { compareLoad, type LoadSide } from '../support/compare-load';
import { formatMs, formatPercentage, formatThroughput } from '../support/format';
import { primeGatewayHit } from '../support/gateway-hit';
import {
  BENCH_JWT_SECRET,
  MOCK_GATEWAY_ARGS,
  type ServerProcess,
  startGatewayProcess,
} from '../support/server-process';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LOAD = { concurrency: 16, rounds: 5, roundMs: 2_000, warmUpMs: 1_500 };

/**
 * L1 hit throughput and latency with the Redis store against the memory store, two gateway CLIs
 * started the same way in the same run. Skipped when no Redis answers on 127.0.0.1:6379. Keys go
 * under a per-run prefix that is deleted afterwards.
 */
export const storeRedisBenchmark: Benchmark = {
  name: 'store-redis',
  description: 'L1 hit throughput with the Redis store vs the memory store',
  async run(): Promise<BenchmarkReport> {
    const redis = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      return skippedReport(`no Redis reachable at ${REDIS_URL} (${(error as Error).message})`);
    }
    const prefix = `cc-bench-${randomUUID().slice(0, 8)}:`;
    let memory: ServerProcess | undefined;
    let redisGateway: ServerProcess | undefined;
    try {
      memory = await startGatewayProcess(MOCK_GATEWAY_ARGS);
      redisGateway = await startGatewayProcess([
        ...MOCK_GATEWAY_ARGS,
        '--store',
        REDIS_URL,
        '--redis-prefix',
        prefix,
      ]);
      const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
      const side = async (name: string, url: string): Promise<LoadSide> => {
        const exchange = await primeGatewayHit(url, tenantJwt);
        return {
          name,
          request: {
            url: `${url}/v1/chat/completions`,
            method: 'POST',
            headers: exchange.headers,
            body: exchange.body,
          },
          check: (_status, headers) => headers['x-cache'] === 'HIT_L1',
        };
      };
      const result = await compareLoad(
        await side('redis store', redisGateway.url),
        await side('memory store', memory.url),
        LOAD,
      );
      const rejected = result.candidate.rejected + result.baseline.rejected;
      if (rejected > 0) throw new Error(`${rejected} answers were not HIT_L1`);
      const table = formatTable(
        [
          { header: 'store' },
          { header: 'p50', alignRight: true },
          { header: 'p99', alignRight: true },
          { header: `throughput (c=${LOAD.concurrency})`, alignRight: true },
        ],
        [['redis', result.candidate] as const, ['memory', result.baseline] as const].map(
          ([name, figures]) => [
            name,
            formatMs(figures.p50Ms),
            formatMs(figures.p99Ms),
            formatThroughput(figures.throughput),
          ],
        ),
      );
      return {
        table,
        notes: [
          `redis / memory: throughput ${formatPercentage(result.throughputRatio)}, p50 ×${result.p50Ratio.toFixed(2)} (medians of ${LOAD.rounds} alternating rounds)`,
        ],
        figures: {
          redis: result.candidate,
          memory: result.baseline,
          throughputRatio: result.throughputRatio,
          p50Ratio: result.p50Ratio,
        },
        settings: {
          load: LOAD,
          redis: `${REDIS_URL}, redis-server ${await readRedisVersion(redis)}, same host`,
          gateways: 'two CLI processes from source, mock upstream, --log-level warn',
        },
      };
    } finally {
      await redisGateway?.close();
      await memory?.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  },
};

async function readRedisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return info.match(/redis_version:(\S+)/)?.[1] ?? 'unknown';
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
