import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

/** Where the benchmarks look for Redis. */
export const BENCH_REDIS_URL = 'redis://127.0.0.1:6379';

/** A connection to the benchmarks' Redis, with what the reports say about it. */
export interface BenchRedis {
  redis: Redis;
  /** A fresh key prefix for this run, deleted by {@link BenchRedis.close}. */
  prefix: string;
  version: string;
  /** redis-server's pid when it runs on this host (its CPU time is then reported), else undefined. */
  pid: number | undefined;
  /** redis-server as a helper process of a server-cost target (empty when it is not local). */
  helpers: Array<{ name: string; pid: number }>;
  /** Deletes every key under `prefix` and disconnects. */
  close(): Promise<void>;
}

/** Connects to Redis on 127.0.0.1:6379, or says why it cannot (the benchmark then skips). */
export async function connectBenchRedis(): Promise<BenchRedis | { unavailable: string }> {
  const redis = new Redis(BENCH_REDIS_URL, {
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
    return {
      unavailable: `no Redis reachable at ${BENCH_REDIS_URL} (${(error as Error).message})`,
    };
  }
  const info = await redis.info('server');
  const pid = Number(info.match(/process_id:(\d+)/)?.[1]);
  const prefix = `cc-bench-${randomUUID().slice(0, 8)}:`;
  const localPid = Number.isInteger(pid) && existsSync(`/proc/${pid}/stat`) ? pid : undefined;
  return {
    redis,
    prefix,
    version: info.match(/redis_version:(\S+)/)?.[1] ?? 'unknown',
    pid: localPid,
    helpers: localPid === undefined ? [] : [{ name: 'redis-server', pid: localPid }],
    close: async () => {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Deletes every key under `prefix` (SCAN + UNLINK, never KEYS). */
export async function deleteKeys(redis: Redis, prefix: string, pageSize = 1_000): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', pageSize);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
