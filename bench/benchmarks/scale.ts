import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CacheEntry, createRedisStore, createTenantToken } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
// How the gateway keys and embeds a request, read from its source (not public API) so that the
// filled entries are exactly the ones the gateway looks up; a mismatch fails the HIT_L1 check.
import { analyzeChatRequest } from '../../packages/gateway/src/cache/chat-request';
import { embedTextLexically } from '../../packages/gateway/src/embed/index';
import { runAutocannon } from '../support/autocannon-load';
import { chooseCoreLayout } from '../support/bench-cores';
import { BENCH_REDIS_URL, connectBenchRedis, deleteKeys } from '../support/bench-redis';
import { type Benchmark, type BenchmarkReport, skippedReport } from '../support/benchmark';
import { formatMs, formatThroughput, formatWholeMs } from '../support/format';
import { benchChatBody, countGatewayAnswers } from '../support/gateway-hit';
import { readProcessCpuMs, readProcessRssMiB } from '../support/process-cpu';
import {
  BENCH_JWT_SECRET,
  MOCK_GATEWAY_ARGS,
  type ServerProcess,
  startGatewayProcess,
} from '../support/server-process';
import { STORED_PROMPT_COUNT, storedPrompt } from '../support/synthetic-prompts';

const TENANTS = Number(process.env.BENCH_SCALE_TENANTS ?? 1_000);
const ENTRIES_PER_TENANT = Math.min(
  Number(process.env.BENCH_SCALE_ENTRIES_PER_TENANT ?? 1_000),
  STORED_PROMPT_COUNT,
);
/** Tenants whose entries also get L2 vectors (all of them would be GiBs of vectors). */
const VECTOR_TENANTS = Math.min(10, TENANTS);
const FILL_IN_FLIGHT = 1_000;
/** Distinct requests autocannon cycles through, spread over every tenant. */
const LOAD_REQUESTS = 4_000;
const LOAD = { connectionsPerInstance: 16, warmUpSeconds: 3, seconds: 10 };
const COLD_L2_TIMEOUT_MS = 120_000;

const tenantId = (tenant: number) => `scale-${String(tenant).padStart(4, '0')}`;
const question = (entry: number) => storedPrompt(entry);

/**
 * The gateway at scale, on Redis: 1M cached entries across 1k tenants (written in the store's own
 * format through `createRedisStore`, cloned from one entry per tenant that the gateway itself
 * cached), then two gateway instances serving L1 hits of random entries of random tenants at
 * once (throughput, p99, RSS), then a cold third instance: time to listen, to its first L1 hit and
 * to its first L2 hit (loading a 1k-vector index). Slow, so run only when named; keys go under a
 * per-run prefix that is deleted afterwards.
 */
export const scaleBenchmark: Benchmark = {
  name: 'scale',
  description: `${(TENANTS * ENTRIES_PER_TENANT).toLocaleString('en-US')} entries of ${TENANTS} tenants in Redis: two instances' L1 hits, RSS, cold start to L2`,
  slow: true,
  async run(): Promise<BenchmarkReport> {
    const connection = await connectBenchRedis();
    if (!('redis' in connection)) return skippedReport(connection.unavailable);
    const { redis, prefix } = connection;
    const cores = chooseCoreLayout();
    const store = createRedisStore({ url: BENCH_REDIS_URL, prefix, commandTimeoutMs: 60_000 });
    const servers: ServerProcess[] = [];
    const startInstance = async () => {
      const server = await startGatewayProcess(
        [
          ...MOCK_GATEWAY_ARGS,
          '--log-level',
          'silent',
          '--store',
          BENCH_REDIS_URL,
          '--redis-prefix',
          prefix,
        ],
        { core: cores.server },
      );
      servers.push(server);
      return server;
    };
    try {
      const memoryBefore = await usedMemoryMiB(redis);
      const first = await startInstance();
      const tokens = await Promise.all(
        Array.from({ length: TENANTS }, (_, tenant) =>
          createTenantToken({ secret: BENCH_JWT_SECRET, tenantId: tenantId(tenant) }),
        ),
      );
      const headersOf = (tenant: number) => ({
        'content-type': 'application/json',
        'x-cachecore-token': tokens[tenant] as string,
      });
      const ask = (server: ServerProcess, tenant: number, text: string) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: headersOf(tenant),
          body: benchChatBody({ question: text }),
        }).then(async (response) => {
          await response.arrayBuffer();
          return response.headers.get('x-cache');
        });

      // One entry per tenant through the gateway (a MISS), the template of the tenant's clones.
      const fillStarted = performance.now();
      await inBatches(TENANTS, 32, (tenant) => ask(first, tenant, question(0)));
      const templates: CacheEntry[] = [];
      for (let tenant = 0; tenant < TENANTS; tenant++) {
        const [key] = await redis.smembers(`${prefix}{${tenantId(tenant)}}:keys`);
        const entry = key === undefined ? undefined : await store.getEntry(tenantId(tenant), key);
        if (!entry) throw new Error(`the gateway cached nothing for ${tenantId(tenant)}`);
        templates.push(entry);
      }
      const total = TENANTS * ENTRIES_PER_TENANT;
      await inBatches(total, FILL_IN_FLIGHT, async (index) => {
        const tenant = Math.floor(index / ENTRIES_PER_TENANT);
        const entryIndex = index % ENTRIES_PER_TENANT;
        if (entryIndex === 0) return;
        const template = templates[tenant] as CacheEntry;
        const text = question(entryIndex);
        const chat = analyzeChatRequest(JSON.parse(benchChatBody({ question: text })));
        const body = JSON.parse(template.body);
        body.choices[0].message.content = `Echo: ${text}`;
        const key = `${template.namespace}:${chat.bodyHash}`;
        await store.setEntry(
          { ...template, key, body: JSON.stringify(body) },
          template.expiresAt - Date.now(),
        );
        if (tenant < VECTOR_TENANTS && template.indexKey) {
          await store.addVector({
            id: key,
            tenantId: template.tenantId,
            indexKey: template.indexKey,
            entryKey: key,
            text: chat.semanticText ?? text,
            vector: embedTextLexically(chat.semanticText ?? text),
          });
        }
      });
      const fillSeconds = (performance.now() - fillStarted) / 1000;
      const memoryAfter = await usedMemoryMiB(redis);

      // Two instances at once, each hit with random entries of random tenants.
      const second = await startInstance();
      const instances = [first, second];
      const harFiles = await Promise.all(
        instances.map((server, position) => writeHar(server, position, headersOf)),
      );
      const loadOnce = (seconds: number) =>
        Promise.all(
          instances.map((server, position) =>
            runAutocannon(
              { url: server.url, method: 'POST', headers: {} },
              {
                connections: LOAD.connectionsPerInstance,
                durationSeconds: seconds,
                core: cores.load,
                harFile: harFiles[position],
              },
            ),
          ),
        );
      await loadOnce(LOAD.warmUpSeconds);
      const before = await Promise.all(instances.map((server) => countGatewayAnswers(server.url)));
      const cpuBefore = instances.map((server) => readProcessCpuMs(server.pid));
      const loadStarted = performance.now();
      const results = await loadOnce(LOAD.seconds);
      const loadMs = performance.now() - loadStarted;
      const cpuMs = instances.map(
        (server, position) => readProcessCpuMs(server.pid) - (cpuBefore[position] ?? 0),
      );
      const after = await Promise.all(instances.map((server) => countGatewayAnswers(server.url)));
      for (const [position, result] of results.entries()) {
        const all = (after[position]?.all ?? 0) - (before[position]?.all ?? 0);
        const hits = (after[position]?.expected ?? 0) - (before[position]?.expected ?? 0);
        if (result.failed > 0 || all !== hits) {
          throw new Error(
            `instance ${position + 1}: ${result.failed} failed, ${all - hits} of ${all} not HIT_L1`,
          );
        }
      }
      const rss = instances.map((server) => readProcessRssMiB(server.pid));

      // A cold instance: how long until it listens, serves an L1 hit, and serves from L2.
      const coldStarted = performance.now();
      const cold = await startInstance();
      const listeningMs = performance.now() - coldStarted;
      const firstHitStatus = await ask(cold, TENANTS - 1, question(ENTRIES_PER_TENANT - 1));
      const firstL1Ms = performance.now() - coldStarted;
      if (firstHitStatus !== 'HIT_L1') throw new Error(`cold instance answered ${firstHitStatus}`);
      // The same question in other words (case, punctuation): same embedding, different L1 key.
      const paraphrase = `${question(ENTRIES_PER_TENANT - 1)
        .toUpperCase()
        .replace(/\?$/, '')} ?`;
      let l2Status: string | null = null;
      let firstL2RequestMs = Number.NaN;
      while (l2Status !== 'HIT_L2') {
        if (performance.now() - coldStarted > COLD_L2_TIMEOUT_MS) {
          throw new Error(`the cold instance served no HIT_L2 (last: ${l2Status})`);
        }
        const sent = performance.now();
        l2Status = await ask(cold, 0, paraphrase);
        firstL2RequestMs = performance.now() - sent;
      }
      const firstL2Ms = performance.now() - coldStarted;
      const coldRss = readProcessRssMiB(cold.pid);

      const throughput = results.reduce((sum, result) => sum + result.throughput, 0);
      const table = formatTable(
        [{ header: 'measure' }, { header: 'value', alignRight: true }],
        [
          ['entries in Redis', total.toLocaleString('en-US')],
          ['tenants', TENANTS.toLocaleString('en-US')],
          ['fill time (createRedisStore, pipelined)', `${fillSeconds.toFixed(1)} s`],
          ['fill rate', formatThroughput(total / fillSeconds)],
          ['Redis memory added', `${Math.round(memoryAfter - memoryBefore)} MiB`],
          ['L1 hits, two instances together', formatThroughput(throughput)],
          ...results.map((result, position) => [
            `instance ${position + 1}: req/s, p50, p99`,
            `${formatThroughput(result.throughput)}, ${formatWholeMs(result.p50Ms)}, ${formatWholeMs(result.p99Ms)}`,
          ]),
          ...results.map((result, position) => [
            `instance ${position + 1}: CPU per request, core use`,
            `${(((cpuMs[position] ?? 0) * 1000) / result.ok).toFixed(0)} µs, ${Math.round(((cpuMs[position] ?? 0) / loadMs) * 100)}%`,
          ]),
          ...rss.map((value, position) => [
            `instance ${position + 1} RSS after load`,
            `${Math.round(value)} MiB`,
          ]),
          ['cold instance: listening after', formatMs(listeningMs)],
          ['cold instance: first HIT_L1 after', formatMs(firstL1Ms)],
          [
            `cold instance: first HIT_L2 after (index of ${ENTRIES_PER_TENANT} vectors)`,
            formatMs(firstL2Ms),
          ],
          ['cold instance: that first L2 request took', formatMs(firstL2RequestMs)],
          ['cold instance RSS', `${Math.round(coldRss)} MiB`],
        ],
      );
      return {
        table,
        notes: [
          `${LOAD_REQUESTS} distinct requests per instance (random tenant and entry), autocannon -c ${LOAD.connectionsPerInstance} per instance for ${LOAD.seconds} s after ${LOAD.warmUpSeconds} s; both instances share the server core: ${cores.description}`,
          `L2 vectors for the first ${VECTOR_TENANTS} tenants only; the cold instance's times count from its spawn`,
        ],
        figures: {
          entries: total,
          tenants: TENANTS,
          fillSeconds: Math.round(fillSeconds * 10) / 10,
          redisMemoryAddedMiB: Math.round(memoryAfter - memoryBefore),
          throughput: Math.round(throughput),
          instances: results.map((result, position) => ({
            throughput: Math.round(result.throughput),
            p50Ms: result.p50Ms,
            p99Ms: result.p99Ms,
            cpuMicrosPerRequest: Math.round(((cpuMs[position] ?? 0) * 1000) / result.ok),
            coreUse: Math.round(((cpuMs[position] ?? 0) / loadMs) * 1000) / 1000,
            rssMiB: Math.round(rss[position] ?? 0),
          })),
          cold: {
            listeningMs: Math.round(listeningMs),
            firstL1HitMs: Math.round(firstL1Ms),
            firstL2HitMs: Math.round(firstL2Ms),
            firstL2RequestMs: Math.round(firstL2RequestMs),
            rssMiB: Math.round(coldRss),
          },
        },
        settings: {
          tenants: TENANTS,
          entriesPerTenant: ENTRIES_PER_TENANT,
          vectorTenants: VECTOR_TENANTS,
          loadRequests: LOAD_REQUESTS,
          ...LOAD,
          redis: `${BENCH_REDIS_URL}, redis-server ${connection.version}, same host`,
          cores: cores.description,
        },
      };
    } finally {
      for (const server of servers) await server.close();
      await store.close();
      // A million keys: delete them in big SCAN pages.
      await deleteKeys(redis, prefix, 10_000);
      await connection.close();
    }
  },
};

/** Runs `task(0 … count-1)` with at most `inFlight` running at once. */
async function inBatches(
  count: number,
  inFlight: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

async function usedMemoryMiB(redis: { info(section: string): Promise<string> }): Promise<number> {
  const info = await redis.info('memory');
  return Number(info.match(/used_memory:(\d+)/)?.[1] ?? 0) / 2 ** 20;
}

/** A HAR of LOAD_REQUESTS random cached requests to `server`, for autocannon to cycle through. */
async function writeHar(
  server: ServerProcess,
  position: number,
  headersOf: (tenant: number) => Record<string, string>,
): Promise<string> {
  // A fixed pseudo-random sequence, so runs send the same requests.
  let seed = 0x2545f491 + position;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const entries = Array.from({ length: LOAD_REQUESTS }, () => {
    const tenant = Math.floor(random() * TENANTS);
    const text = question(Math.floor(random() * ENTRIES_PER_TENANT));
    return {
      request: {
        method: 'POST',
        url: `${server.url}/v1/chat/completions`,
        headers: Object.entries(headersOf(tenant)).map(([name, value]) => ({ name, value })),
        postData: { mimeType: 'application/json', text: benchChatBody({ question: text }) },
      },
    };
  });
  const file = join(tmpdir(), `cachecore-bench-scale-${process.pid}-${position}.har`);
  await writeFile(file, JSON.stringify({ log: { entries } }));
  return file;
}
