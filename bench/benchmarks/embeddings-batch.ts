import { randomUUID } from 'node:crypto';
import { createMockUpstream, createTenantToken, startGateway } from '@cachecore/gateway';
import { formatTable } from '../../examples/support/result-table';
import type { Benchmark, BenchmarkReport } from '../support/benchmark';
import { formatMs } from '../support/format';
import { median, roundTo } from '../support/statistics';

const BATCH = 100;
const CACHED_COUNTS = [0, 50, 90, 97, 100] as const;
const ROUNDS = 7;
/** Upstream time per request plus per input, like a hosted embeddings API (fixed cost dominates). */
const UPSTREAM_LATENCY_MS = 40;
const SECRET = 'bench-embeddings-secret';

/**
 * A batch of 100 embedding inputs of which k are already cached: how many inputs go upstream
 * (must be 100 − k) and the latency against the same batch sent straight to the upstream, measured
 * in the same run. The upstream is the gateway's mock with a fixed per-request latency.
 */
export const embeddingsBatchBenchmark: Benchmark = {
  name: 'embeddings-batch',
  description:
    'a batch of 100 embedding inputs with k cached: inputs sent upstream and latency vs the direct call',
  async run(): Promise<BenchmarkReport> {
    const upstream = await createMockUpstream({ latencyMs: UPSTREAM_LATENCY_MS });
    const gateway = await startGateway({
      upstream: upstream.url,
      jwtSecret: SECRET,
      logLevel: 'silent',
    });
    try {
      const post = async (url: string, input: string[], token?: string) => {
        const started = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { 'x-cachecore-token': token } : {}),
          },
          body: JSON.stringify({ model: 'text-embedding-3-small', input }),
        });
        await response.arrayBuffer();
        return performance.now() - started;
      };
      const rows: string[][] = [];
      const figures: Record<string, unknown> = {};
      for (const cached of CACHED_COUNTS) {
        const direct: number[] = [];
        const throughGateway: number[] = [];
        let sentUpstream = 0;
        for (let round = 0; round < ROUNDS; round++) {
          // A tenant of its own per round: exactly `cached` inputs of the batch are in its cache.
          const token = await createTenantToken({
            secret: SECRET,
            tenantId: `bench-${randomUUID()}`,
          });
          const batch = Array.from(
            { length: BATCH },
            (_, index) => `round ${round} chunk ${index}`,
          );
          if (cached > 0) await post(`${gateway.url}/v1/embeddings`, batch.slice(0, cached), token);
          direct.push(await post(`${upstream.url}/embeddings`, batch));
          const before = upstream.requests.length;
          throughGateway.push(await post(`${gateway.url}/v1/embeddings`, batch, token));
          sentUpstream = upstream.requests
            .slice(before)
            .reduce(
              (sum, request) => sum + ((request.body as { input?: unknown[] }).input?.length ?? 0),
              0,
            );
        }
        const directMs = median(direct);
        const gatewayMs = median(throughGateway);
        rows.push([
          String(cached),
          String(sentUpstream),
          formatMs(directMs),
          formatMs(gatewayMs),
          `${roundTo(gatewayMs / directMs, 2)}×`,
        ]);
        figures[`cached_${cached}`] = {
          sent_upstream: sentUpstream,
          direct_ms: roundTo(directMs),
          gateway_ms: roundTo(gatewayMs),
          ratio: roundTo(gatewayMs / directMs),
        };
      }
      return {
        table: formatTable(
          [
            { header: 'cached of 100', alignRight: true },
            { header: 'sent upstream', alignRight: true },
            { header: 'direct', alignRight: true },
            { header: 'through gateway', alignRight: true },
            { header: 'gateway / direct', alignRight: true },
          ],
          rows,
        ),
        notes: [
          `Median of ${ROUNDS} rounds; the upstream answers each request after ${UPSTREAM_LATENCY_MS} ms.`,
          'With every input cached (k = 100) the gateway answers without calling upstream at all.',
        ],
        figures,
        settings: { batch: BATCH, rounds: ROUNDS, upstream_latency_ms: UPSTREAM_LATENCY_MS },
        targets: CACHED_COUNTS.map((cached) => {
          const sent = (figures[`cached_${cached}`] as { sent_upstream: number }).sent_upstream;
          return {
            figure: `inputs sent upstream with ${cached} of ${BATCH} cached`,
            measured: String(sent),
            target: `= ${BATCH - cached}`,
            met: sent === BATCH - cached,
          };
        }),
      };
    } finally {
      await gateway.close();
      await upstream.close();
    }
  },
};
