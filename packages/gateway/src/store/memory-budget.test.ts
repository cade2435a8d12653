import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkTestRedis,
  createTestPrefix,
  deleteKeysWithPrefix,
  TEST_REDIS_URL,
} from '../../test/support/redis-test-support';
import { createTenantToken } from '../auth/create-tenant-token';
import { startGateway } from '../gateway';
import { createMockUpstream, type MockUpstream } from '../upstream/mock-upstream';

/*
 * A bounded soak: distinct-context churn (distinct system prompts, distinct earlier turns, some
 * failing upstream calls) against a gateway CLI child with a small memory budget, checking the
 * child's resident memory and the memory gauges it exports. CACHECORE_SOAK_SECONDS sets how long
 * each store is churned (60 s in CI, 10 s otherwise); CACHECORE_SOAK_REQUESTS, when set, stops
 * each run after that many requests instead (for measuring a fixed workload).
 */
const SOAK_SECONDS = Number(process.env.CACHECORE_SOAK_SECONDS ?? (process.env.CI ? 60 : 10));
const SOAK_REQUESTS = Number(process.env.CACHECORE_SOAK_REQUESTS ?? Number.POSITIVE_INFINITY);
const BUDGET_MB = 16;
/**
 * What a gateway process holds beyond its cache budget: Node, V8's heap headroom, the TypeScript
 * loader the test runs it through, sockets and buffers of in-flight requests. Measured at 60–90 MiB
 * here on top of the idle process; the margin leaves room for GC timing, not for growth.
 */
const MARGIN_MB = 160;
const CONCURRENCY = 8;
const SECRET = 'soak-secret';
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

const redisAvailable = await checkTestRedis();
const usedPrefixes: string[] = [];
afterAll(async () => {
  for (const prefix of usedPrefixes) await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
});

describe('memory gauges', () => {
  it('report what the cache holds against the split of --max-memory-mb', async () => {
    await using gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 0,
      jwtSecret: SECRET,
      maxMemoryMb: 8,
      logLevel: 'silent',
    });
    const token = await createTenantToken({ secret: SECRET, tenantId: 'gauges' });
    // Four distinct contexts, then a new question in the first one: its index is loaded.
    for (const request of [0, 1, 2, 3, 4]) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
        body: JSON.stringify(distinctContextBody(request)),
      });
      expect(response.headers.get('x-cache')).toBe('MISS');
      await response.arrayBuffer();
    }
    const gauges = parseGauges(await (await fetch(`${gateway.url}/metrics`)).text());
    expect(gauges).toMatchObject({
      'cachecore_gateway_memory_budget_bytes{holder="store"}': 6 * 1024 * 1024,
      'cachecore_gateway_memory_budget_bytes{holder="registry"}': 2 * 1024 * 1024,
      'cachecore_gateway_memory_items{holder="store",kind="entries"}': 5,
      'cachecore_gateway_memory_items{holder="store",kind="vectors"}': 5,
      'cachecore_gateway_memory_items{holder="store",kind="dep_hashes"}': 0,
      'cachecore_gateway_memory_items{holder="registry",kind="l2_indexes"}': 1,
      'cachecore_gateway_memory_items{holder="registry",kind="l2_records"}': 2,
    });
    expect(
      gauges['cachecore_gateway_memory_used_bytes{holder="store",part="entries"}'],
    ).toBeGreaterThan(5 * 1024);
    expect(
      gauges['cachecore_gateway_memory_used_bytes{holder="registry",part="l2_indexes"}'],
    ).toBeGreaterThan(0);
    // The hit-path memos of the process (outside the budget, with fixed caps): the five bodies
    // just analysed are among the remembered analyses.
    expect(
      gauges['cachecore_gateway_memory_items{holder="memos",kind="request_analyses"}'],
    ).toBeGreaterThanOrEqual(5);
    expect(
      gauges['cachecore_gateway_memory_used_bytes{holder="memos",part="request_analyses"}'],
    ).toBeGreaterThan(0);
    expect(gauges['cachecore_gateway_memory_budget_bytes{holder="memos"}']).toBeGreaterThanOrEqual(
      8 * 1024 * 1024,
    );
  });
});

describe('memory budget under distinct-context churn', () => {
  const timeout = (SOAK_SECONDS + 60) * 1000;

  it('keeps a memory-store gateway within its budget', { timeout }, async () => {
    await soak(['--store', 'memory']);
  });

  it.skipIf(!redisAvailable)(
    'keeps a Redis-store gateway within its budget',
    { timeout },
    async () => {
      const prefix = createTestPrefix('soak');
      usedPrefixes.push(prefix);
      // Short entry lifetimes, so records of entries Redis expired must leave the indexes too.
      await soak(['--store', TEST_REDIS_URL, '--redis-prefix', prefix, '--fresh-ttl-secs', '5']);
    },
  );
});

async function soak(storeArgs: string[]): Promise<void> {
  await using upstream = disposableUpstream(await createMockUpstream({ latencyMs: 0 }));
  await using gateway = await startCliGateway([
    '--upstream',
    upstream.url,
    '--upstream-api-key',
    'soak-key',
    '--max-memory-mb',
    String(BUDGET_MB),
    '--stale-window-secs',
    '0',
    ...storeArgs,
  ]);
  const token = await createTenantToken({ secret: SECRET, tenantId: 'soak-tenant' });
  const rssAtStart = await readRssMiB(gateway.pid);
  let peakRss = rssAtStart;
  let sent = 0;
  const statuses = new Map<number, number>();
  const deadline = Date.now() + SOAK_SECONDS * 1000;

  const worker = async () => {
    while (Date.now() < deadline && sent < SOAK_REQUESTS) {
      const index = sent;
      sent += 1;
      // One in ten calls fails upstream: a failed request must leave nothing behind either.
      if (index % 10 === 9) upstream.failNext(500);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
        body: JSON.stringify(distinctContextBody(index)),
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (index % 200 === 0) peakRss = Math.max(peakRss, await readRssMiB(gateway.pid));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  peakRss = Math.max(peakRss, await readRssMiB(gateway.pid));
  const gauges = parseGauges(await (await fetch(`${gateway.url}/metrics`)).text());
  console.info(
    `soak ${storeArgs[1]}: ${sent} requests in ${SOAK_SECONDS} s max, RSS ${rssAtStart.toFixed(0)} → ` +
      `peak ${peakRss.toFixed(0)} MiB, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
      `gauges ${JSON.stringify(gauges)}`,
  );

  expect(statuses.get(200) ?? 0).toBeGreaterThan(sent / 2);
  expect(statuses.get(502) ?? statuses.get(500) ?? 0).toBeGreaterThan(0);
  expect(peakRss).toBeLessThan(rssAtStart + BUDGET_MB + MARGIN_MB);
  const budgetBytes = BUDGET_MB * 1024 * 1024;
  // The cache's holders share --max-memory-mb; the hit-path memos come on top, within their caps.
  const used = sumGauge(gauges, 'cachecore_gateway_memory_used_bytes', CACHE_HOLDERS);
  expect(used).toBeGreaterThan(0);
  expect(used).toBeLessThanOrEqual(budgetBytes);
  expect(
    sumGauge(gauges, 'cachecore_gateway_memory_budget_bytes', CACHE_HOLDERS),
  ).toBeLessThanOrEqual(budgetBytes);
  expect(sumGauge(gauges, 'cachecore_gateway_memory_used_bytes', ['memos'])).toBeLessThanOrEqual(
    gauges['cachecore_gateway_memory_budget_bytes{holder="memos"}'] ?? 0,
  );
  expect(
    gauges['cachecore_gateway_memory_items{holder="registry",kind="l2_indexes"}'],
  ).toBeGreaterThan(0);
}

/**
 * A chat body whose L2 context is new (every other one has its own system prompt, the rest their
 * own earlier turn), except that every fifth asks a new question in the context of four requests
 * before, so lookups find vectors and indexes get loaded, used and evicted.
 */
function distinctContextBody(request: number): unknown {
  const repeat = request % 5 === 4;
  const index = repeat ? request - 4 : request;
  const question = repeat
    ? `Where is parcel ${request} now?`
    : `What is the status of order ${index}?`;
  const padding = `Context ${index}: ${'policy clause; '.repeat(40)}`;
  const messages =
    index % 2 === 0
      ? [
          { role: 'system', content: `You are assistant number ${index}. ${padding}` },
          { role: 'user', content: question },
        ]
      : [
          { role: 'system', content: 'You are a support assistant.' },
          { role: 'user', content: `Earlier question ${index}. ${padding}` },
          { role: 'assistant', content: `Earlier answer ${index}.` },
          { role: 'user', content: question },
        ];
  return { model: 'gpt-4o-mini', messages };
}

async function readRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`No VmRSS in /proc/${pid}/status.`);
  return kib / 1024;
}

function parseGauges(text: string): Record<string, number> {
  const gauges: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(cachecore_gateway_memory_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) gauges[match[1]] = Number(match[2]);
  }
  return gauges;
}

/** The holders whose budgets are shares of `--max-memory-mb`. */
const CACHE_HOLDERS = ['store', 'registry'];

/** The sum of a gauge's series of the given holders. */
function sumGauge(gauges: Record<string, number>, name: string, holders: string[]): number {
  return Object.entries(gauges)
    .filter(([series]) => holders.some((holder) => series.startsWith(`${name}{holder="${holder}"`)))
    .reduce((sum, [, value]) => sum + value, 0);
}

function disposableUpstream(upstream: MockUpstream): MockUpstream & AsyncDisposable {
  return Object.assign(upstream, { [Symbol.asyncDispose]: () => upstream.close() });
}

interface CliGateway extends AsyncDisposable {
  url: string;
  pid: number;
}

async function startCliGateway(args: string[]): Promise<CliGateway> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CACHECORE_') && name !== 'OPENAI_API_KEY') env[name] = value;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // The gateway imports its workspace siblings' source, as in the other tests.
      '--conditions=@cachecore/source',
      '--import',
      'tsx',
      CLI,
      '--port',
      '0',
      '--jwt-secret',
      SECRET,
      '--log-level',
      'error',
      ...args,
    ],
    { cwd: PACKAGE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Gateway did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /cachecore-gateway listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => reject(new Error(`Gateway exited:\n${output}`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    async [Symbol.asyncDispose]() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
