import { randomUUID } from 'node:crypto';
import { CachecoreClient, CacheStatus, type CacheStatusValue } from '@cachecore/core';
import { createTenantToken, startGateway } from '@cachecore/gateway';
import {
  CachecoreChatOpenAI,
  getCacheStatus as getLangChainCacheStatus,
} from '@cachecore/langchain';
import { createCachecoreOpenAI, getCacheStatus } from '@cachecore/openai';
import { createCachecore, getCachecoreMetadata } from '@cachecore/vercel-ai';
import { generateText } from 'ai';
import { formatTable } from '../../examples/support/result-table';
import type { Benchmark, BenchmarkReport } from '../support/benchmark';
import { formatMs } from '../support/format';
import { BENCH_JWT_SECRET } from '../support/server-process';
import { median, percentile, roundTo } from '../support/statistics';

const MODEL = 'gpt-4o-mini';
const WARM_UP_PAIRS = 20;
const ROUNDS = 5;
const PAIRS_PER_ROUND = 20;

/** Sends one question and returns the cache status the SDK reports. */
type Ask = (question: string) => Promise<CacheStatusValue | undefined>;

/**
 * End to end through each adapter against an in-process gateway whose mock model answers at once
 * (0 ms): a cached call (HIT_L1, the same question again) vs a call that goes to the mock upstream
 * (MISS, a new question), alternating. The model's own latency is left out on purpose, so the
 * ratio is what the cache path costs against the full gateway path; with a real model every miss
 * adds hundreds of milliseconds. A plain `fetch` row gives each adapter's own overhead.
 */
export const adaptersBenchmark: Benchmark = {
  name: 'adapters',
  description: 'each adapter end to end: cached call (HIT_L1) vs mock upstream call (MISS)',
  async run(): Promise<BenchmarkReport> {
    const gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 0,
      jwtSecret: BENCH_JWT_SECRET,
      logLevel: 'silent',
    });
    const tenantJwt = await createTenantToken({
      secret: BENCH_JWT_SECRET,
      tenantId: 'bench-adapters',
    });
    const cachecore = new CachecoreClient({ gatewayUrl: gateway.url, tenantJwt });
    try {
      const openai = createCachecoreOpenAI({ cachecore });
      const llm = new CachecoreChatOpenAI({ cachecore, model: MODEL });
      const provider = createCachecore({ cachecore });
      const adapters: Array<[string, Ask]> = [
        [
          'fetch (no adapter)',
          async (question) => {
            const response = await fetch(`${gateway.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-cachecore-token': tenantJwt },
              body: JSON.stringify({
                model: MODEL,
                messages: [{ role: 'user', content: question }],
              }),
            });
            await response.json();
            return CacheStatus.fromHeaders(response.headers).status;
          },
        ],
        [
          '@cachecore/openai',
          async (question) => {
            const completion = await openai.chat.completions.create({
              model: MODEL,
              messages: [{ role: 'user', content: question }],
            });
            return getCacheStatus(completion)?.status;
          },
        ],
        [
          '@cachecore/langchain',
          async (question) => getLangChainCacheStatus(await llm.invoke(question))?.status,
        ],
        [
          '@cachecore/vercel-ai',
          async (question) => {
            const result = await generateText({ model: provider(MODEL), prompt: question });
            return getCachecoreMetadata(result.providerMetadata)?.status;
          },
        ],
      ];

      const figures: Record<string, unknown> = {};
      const rows: string[][] = [];
      let fetchHitP50 = Number.NaN;
      for (const [name, ask] of adapters) {
        const result = await compareHitAndMiss(name, ask);
        if (name.startsWith('fetch')) fetchHitP50 = result.hitP50Ms;
        figures[name] = { ...result, hitVsFetchHit: roundTo(result.hitP50Ms / fetchHitP50, 3) };
        rows.push([
          name,
          formatMs(result.hitP50Ms),
          formatMs(result.hitP99Ms),
          formatMs(result.missP50Ms),
          formatMs(result.missP99Ms),
          result.hitToMissRatio.toFixed(2),
          `×${(result.hitP50Ms / fetchHitP50).toFixed(2)}`,
        ]);
      }
      const table = formatTable(
        [
          { header: 'client' },
          { header: 'HIT_L1 p50', alignRight: true },
          { header: 'HIT_L1 p99', alignRight: true },
          { header: 'MISS p50', alignRight: true },
          { header: 'MISS p99', alignRight: true },
          { header: 'hit / miss', alignRight: true },
          { header: 'hit vs fetch hit', alignRight: true },
        ],
        rows,
      );
      return {
        table,
        notes: [
          `hit / miss = median over ${ROUNDS} rounds of (HIT_L1 p50 / MISS p50), ${PAIRS_PER_ROUND} alternating pairs per round; mock model latency 0 ms`,
        ],
        figures,
        settings: {
          warmUpPairs: WARM_UP_PAIRS,
          rounds: ROUNDS,
          pairsPerRound: PAIRS_PER_ROUND,
          mockLatencyMs: 0,
          gateway: 'startGateway in the same process, memory store, L2 on',
        },
      };
    } finally {
      await cachecore.close();
      await gateway.close();
    }
  },
};

async function compareHitAndMiss(name: string, ask: Ask) {
  const cachedQuestion = `What time zone is Tokyo in? (${name})`;
  const expectStatus = async (question: string, expected: CacheStatusValue) => {
    const started = performance.now();
    const status = await ask(question);
    const elapsed = performance.now() - started;
    if (status !== expected) {
      throw new Error(`${name}: expected ${expected} for "${question}", got ${status}`);
    }
    return elapsed;
  };
  // A fresh random question is never similar enough to an earlier one to be an L2 hit.
  const newQuestion = () => `Describe the parcel with tracking id ${randomUUID()}.`;
  await expectStatus(cachedQuestion, 'MISS');
  for (let pair = 0; pair < WARM_UP_PAIRS; pair++) {
    await expectStatus(cachedQuestion, 'HIT_L1');
    await expectStatus(newQuestion(), 'MISS');
  }
  const hits: number[] = [];
  const misses: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const roundHits: number[] = [];
    const roundMisses: number[] = [];
    for (let pair = 0; pair < PAIRS_PER_ROUND; pair++) {
      if (pair % 2 === 0) {
        roundHits.push(await expectStatus(cachedQuestion, 'HIT_L1'));
        roundMisses.push(await expectStatus(newQuestion(), 'MISS'));
      } else {
        roundMisses.push(await expectStatus(newQuestion(), 'MISS'));
        roundHits.push(await expectStatus(cachedQuestion, 'HIT_L1'));
      }
    }
    ratios.push(median(roundHits) / median(roundMisses));
    hits.push(...roundHits);
    misses.push(...roundMisses);
  }
  return {
    hitP50Ms: roundTo(median(hits), 4),
    hitP99Ms: roundTo(percentile(hits, 0.99), 4),
    missP50Ms: roundTo(median(misses), 4),
    missP99Ms: roundTo(percentile(misses, 0.99), 4),
    hitToMissRatio: roundTo(median(ratios), 4),
  };
}
