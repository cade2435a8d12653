// `pnpm bench [name...] [--save]`: runs every benchmark (or the named ones), prints its table and
// writes <name>.json to the gitignored local-results/, or with --save to the tracked results/.
// Every figure is a ratio or latency against a baseline measured in the same run.

import { parseArgs } from 'node:util';
import { formatDuration } from '../examples/support/result-table';
import { adaptersBenchmark } from './benchmarks/adapters';
import { embeddingsBatchBenchmark } from './benchmarks/embeddings-batch';
import { l1ProfileBenchmark, l1ProfileRedisBenchmark } from './benchmarks/l1-profile';
import { l2LookupBenchmark } from './benchmarks/l2-lookup';
import { scaleBenchmark } from './benchmarks/scale';
import { serverCostBenchmark } from './benchmarks/server-cost';
import { storeRedisBenchmark } from './benchmarks/store-redis';
import { transportBenchmark } from './benchmarks/transport';
import type { Benchmark } from './support/benchmark';
import { describeEnvironment, writeResultsFile } from './support/results-file';

const BENCHMARKS: Benchmark[] = [
  transportBenchmark,
  serverCostBenchmark,
  l2LookupBenchmark,
  adaptersBenchmark,
  storeRedisBenchmark,
  embeddingsBatchBenchmark,
  l1ProfileBenchmark,
  l1ProfileRedisBenchmark,
  scaleBenchmark,
];

function usage(): void {
  console.error('Usage: pnpm bench [name...] [--save]');
  console.error('  --save  write results/<name>.json (tracked) instead of local-results/');
  console.error('Benchmarks (slow ones run only when named):');
  for (const bench of BENCHMARKS) {
    console.error(`  ${bench.name.padEnd(12)} ${bench.slow ? '(slow) ' : ''}${bench.description}`);
  }
}

let parsed: ReturnType<typeof parseCommandLine>;
try {
  parsed = parseCommandLine();
} catch (error) {
  console.error((error as Error).message);
  usage();
  process.exit(1);
}
const { values, positionals: requested } = parsed;
const unknown = requested.filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark "${unknown.join('", "')}".`);
  usage();
  process.exit(1);
}
const selected =
  requested.length === 0
    ? BENCHMARKS.filter((bench) => !bench.slow)
    : BENCHMARKS.filter((bench) => requested.includes(bench.name));

const environment = describeEnvironment();
console.log(
  `Node ${environment.node}, ${environment.cores} × ${environment.cpu}, load ${environment.loadAverage1m}`,
);
const started = performance.now();
let failedToRun = false;
for (const bench of selected) {
  console.log(`\n== ${bench.name}: ${bench.description}`);
  const benchStarted = performance.now();
  try {
    const report = await bench.run();
    if (report.skipped) {
      console.log(`skipped: ${report.skipped}`);
      continue;
    }
    console.log(report.table);
    for (const note of report.notes ?? []) console.log(`  ${note}`);
    for (const target of report.targets ?? []) {
      console.log(
        `  ${target.met ? 'met    ' : 'MISSED '} ${target.figure}: ${target.measured} (target ${target.target})`,
      );
    }
    const seconds = (performance.now() - benchStarted) / 1000;
    const file = await writeResultsFile(bench.name, report, environment, seconds, {
      save: values.save,
    });
    console.log(`  wrote ${file} (${seconds.toFixed(1)} s)`);
  } catch (error) {
    failedToRun = true;
    console.error(`  ${bench.name} failed: ${(error as Error).stack ?? error}`);
  }
}
console.log(`\nDone in ${formatDuration(performance.now() - started)}.`);
process.exitCode = failedToRun ? 1 : 0;

function parseCommandLine() {
  return parseArgs({
    args: process.argv.slice(2),
    options: { save: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
}
