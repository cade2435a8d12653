import { type LoadRequest, runLoad } from './http-load';
import { median, percentile, roundTo } from './statistics';

/** One side of a load comparison. */
export interface LoadSide {
  name: string;
  request: LoadRequest;
  check?: Parameters<typeof runLoad>[1]['check'];
}

/** Latency and throughput of one side, over all rounds. */
export interface SideFigures {
  /** Median over rounds of the round's requests per second. */
  throughput: number;
  /** Median over rounds of the round's p50. */
  p50Ms: number;
  /** p99 over every request of every round. */
  p99Ms: number;
  requests: number;
  rejected: number;
}

/** Options of {@link compareLoad}. */
export interface CompareLoadOptions {
  concurrency: number;
  rounds: number;
  roundMs: number;
  warmUpMs: number;
}

/**
 * Runs the same load against a candidate and a baseline in alternating rounds (the first side
 * flips every round) and reports both, plus the median over rounds of candidate/baseline
 * throughput and p50.
 */
export async function compareLoad(
  candidate: LoadSide,
  baseline: LoadSide,
  options: CompareLoadOptions,
): Promise<{
  candidate: SideFigures;
  baseline: SideFigures;
  throughputRatio: number;
  p50Ratio: number;
}> {
  const run = (side: LoadSide, durationMs: number) =>
    runLoad(side.request, { concurrency: options.concurrency, durationMs, check: side.check });
  await run(candidate, options.warmUpMs);
  await run(baseline, options.warmUpMs);
  const rounds = {
    candidate: [] as Awaited<ReturnType<typeof run>>[],
    baseline: [] as Awaited<ReturnType<typeof run>>[],
  };
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      rounds.candidate.push(await run(candidate, options.roundMs));
      rounds.baseline.push(await run(baseline, options.roundMs));
    } else {
      rounds.baseline.push(await run(baseline, options.roundMs));
      rounds.candidate.push(await run(candidate, options.roundMs));
    }
  }
  const summarise = (results: typeof rounds.candidate): SideFigures => ({
    throughput: roundTo(median(results.map((result) => result.throughput)), 1),
    p50Ms: roundTo(median(results.map((result) => median(result.latenciesMs))), 4),
    p99Ms: roundTo(
      percentile(
        results.flatMap((result) => result.latenciesMs),
        0.99,
      ),
      4,
    ),
    requests: results.reduce((sum, result) => sum + result.latenciesMs.length, 0),
    rejected: results.reduce((sum, result) => sum + result.rejected, 0),
  });
  const perRound = (pick: (result: (typeof rounds.candidate)[number]) => number) =>
    roundTo(
      median(
        rounds.candidate.map(
          (result, index) => pick(result) / pick(rounds.baseline[index] ?? result),
        ),
      ),
      4,
    );
  return {
    candidate: summarise(rounds.candidate),
    baseline: summarise(rounds.baseline),
    throughputRatio: perRound((result) => result.throughput),
    p50Ratio: perRound((result) => median(result.latenciesMs)),
  };
}
