import { mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import { runAutocannon } from '../support/autocannon-load';
import { chooseCoreLayout } from '../support/bench-cores';
import { type BenchRedis, connectBenchRedis } from '../support/bench-redis';
import { type Benchmark, type BenchmarkReport, skippedReport } from '../support/benchmark';
import { type Frame, frameLabel, readProfileSamples } from '../support/cpu-profile';
import { formatPercentage, formatThroughput } from '../support/format';
import { countGatewayAnswers, exchangeLoad, primeGatewayHit } from '../support/gateway-hit';
import { classifySample } from '../support/profile-groups';
import {
  BENCH_JWT_SECRET,
  MOCK_GATEWAY_ARGS,
  startGatewayProcess,
} from '../support/server-process';

const LOAD = { connections: 32, warmUpSeconds: 5, profiledSeconds: 10 };
const SAMPLING_INTERVAL_MICROS = 250;
const TOP_FUNCTIONS = 25;
const PROFILE_DIR = fileURLToPath(new URL('../profiles/', import.meta.url));

/**
 * A CPU profile of the gateway CLI answering an L1 hit (default logs; memory store, or Redis on
 * 127.0.0.1:6379 for `l1-profile-redis`) under the server-cost load: `node --cpu-prof` on the
 * pinned gateway, autocannon on the other core. Only the samples of the measured window count
 * (startup and warm-up are cut), grouped by what the code was doing. The `.cpuprofile` stays in
 * bench/profiles/ (gitignored) for Chrome DevTools.
 */
export const l1ProfileBenchmark: Benchmark = createL1ProfileBenchmark('memory');

/** {@link l1ProfileBenchmark} with the Redis store (skipped when no Redis is reachable). */
export const l1ProfileRedisBenchmark: Benchmark = createL1ProfileBenchmark('redis');

function createL1ProfileBenchmark(store: 'memory' | 'redis'): Benchmark {
  return {
    name: store === 'memory' ? 'l1-profile' : 'l1-profile-redis',
    description: `CPU profile of the gateway L1 hit under load (${store} store), self time grouped by concern`,
    run: () => profileL1Hit(store),
  };
}

async function profileL1Hit(store: 'memory' | 'redis'): Promise<BenchmarkReport> {
  let redis: BenchRedis | undefined;
  if (store === 'redis') {
    const connected = await connectBenchRedis();
    if ('unavailable' in connected) return skippedReport(connected.unavailable);
    redis = connected;
  }
  try {
    return await profileGateway(
      redis
        ? [
            ...MOCK_GATEWAY_ARGS,
            '--store',
            'redis://127.0.0.1:6379',
            '--redis-prefix',
            redis.prefix,
          ]
        : MOCK_GATEWAY_ARGS,
      store,
    );
  } finally {
    await redis?.close();
  }
}

async function profileGateway(
  gatewayArgs: readonly string[],
  store: 'memory' | 'redis',
): Promise<BenchmarkReport> {
  const cores = chooseCoreLayout();
  await rm(PROFILE_DIR, { recursive: true, force: true });
  await mkdir(PROFILE_DIR, { recursive: true });
  const spawnedAt = performance.now();
  const gateway = await startGatewayProcess(gatewayArgs, {
    core: cores.server,
    nodeArgs: [
      '--cpu-prof',
      `--cpu-prof-dir=${PROFILE_DIR}`,
      `--cpu-prof-interval=${SAMPLING_INTERVAL_MICROS}`,
    ],
  });
  let window: { fromMs: number; toMs: number };
  let load: Awaited<ReturnType<typeof runAutocannon>>;
  try {
    const tenantJwt = await createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: 'bench' });
    const exchange = await primeGatewayHit(gateway.url, tenantJwt);
    const request = exchangeLoad(gateway.url, exchange);
    const options = { connections: LOAD.connections, core: cores.load };
    await runAutocannon(request, { ...options, durationSeconds: LOAD.warmUpSeconds });
    const before = await countGatewayAnswers(gateway.url);
    const fromMs = performance.now() - spawnedAt;
    load = await runAutocannon(request, { ...options, durationSeconds: LOAD.profiledSeconds });
    window = { fromMs, toMs: performance.now() - spawnedAt };
    const after = await countGatewayAnswers(gateway.url);
    if (after.all - before.all !== after.expected - before.expected) {
      throw new Error('some profiled answers were not HIT_L1');
    }
  } finally {
    // The profile is written when the process exits.
    await gateway.close();
  }
  const file = (await readdir(PROFILE_DIR)).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written to ${PROFILE_DIR}`);
  const samples = await readProfileSamples(`${PROFILE_DIR}${file}`, window);
  const busy = samples.filter((sample) => sample.stack[0]?.functionName !== '(idle)');
  const busyMicros = busy.reduce((sum, sample) => sum + sample.micros, 0);
  const perRequest = (micros: number) => micros / load.ok;

  const groups = new Map<string, number>();
  const leaves = new Map<string, { micros: number; group: string }>();
  for (const sample of busy) {
    const group = classifySample(sample);
    groups.set(group, (groups.get(group) ?? 0) + sample.micros);
    const label = frameLabel(sample.stack[0] as Frame);
    const leaf = leaves.get(label) ?? { micros: 0, group };
    leaf.micros += sample.micros;
    leaves.set(label, leaf);
  }
  const groupRows = [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([group, micros]) => [
      group,
      formatPercentage(micros / busyMicros),
      `${perRequest(micros).toFixed(1)} µs`,
    ]);
  const topRows = [...leaves.entries()]
    .sort((a, b) => b[1].micros - a[1].micros)
    .slice(0, TOP_FUNCTIONS)
    .map(([label, leaf]) => [
      label,
      leaf.group,
      formatPercentage(leaf.micros / busyMicros),
      `${perRequest(leaf.micros).toFixed(1)} µs`,
    ]);
  const table = [
    formatTable(
      [
        { header: 'group' },
        { header: 'self time', alignRight: true },
        { header: 'per request', alignRight: true },
      ],
      groupRows,
    ),
    '',
    formatTable(
      [
        { header: `top ${TOP_FUNCTIONS} functions by self time` },
        { header: 'group' },
        { header: 'self time', alignRight: true },
        { header: 'per request', alignRight: true },
      ],
      topRows,
    ),
  ].join('\n');
  return {
    table,
    notes: [
      `${formatThroughput(load.throughput)} HIT_L1 over ${LOAD.profiledSeconds} s with the profiler on (sampling every ${SAMPLING_INTERVAL_MICROS} µs slows the gateway a little); busy samples ${busy.length}; ${cores.description}`,
      'group = logging or metrics when the stack passes through them, else what the leaf does (hashing, JSON, GC), else the nearest gateway or Node module on the stack',
      `profile: bench/profiles/${file} (open in Chrome DevTools)`,
    ],
    figures: {
      throughput: Math.round(load.throughput),
      requests: load.ok,
      busyMicrosPerRequest: Math.round(perRequest(busyMicros) * 10) / 10,
      groups: Object.fromEntries(
        [...groups.entries()].map(([group, micros]) => [
          group,
          {
            share: Math.round((micros / busyMicros) * 1000) / 1000,
            microsPerRequest: Math.round(perRequest(micros) * 10) / 10,
          },
        ]),
      ),
      top: Object.fromEntries(topRows.map(([label, group, share]) => [label, { group, share }])),
    },
    settings: {
      ...LOAD,
      samplingIntervalMicros: SAMPLING_INTERVAL_MICROS,
      gateway: `built CLI, ${store} store, mock upstream, default log level (info)`,
      cores: cores.description,
    },
  };
}
