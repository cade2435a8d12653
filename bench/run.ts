// `pnpm bench [name]`: runs every benchmark (or one), prints its table and writes
// results/<name>.json. Every figure is a ratio or latency against a baseline measured in the same run.

import { formatDuration } from '../examples/support/result-table';
import { adaptersBenchmark } from './benchmarks/adapters';
import { gatewayL1Benchmark } from './benchmarks/gateway-l1';
import { l2LookupBenchmark } from './benchmarks/l2-lookup';
import { storeRedisBenchmark } from './benchmarks/store-redis';
import { transportBenchmark } from './benchmarks/transport';
import type { Benchmark } from './support/benchmark';
import { describeEnvironment, writeResultsFile } from './support/results-file';

const BENCHMARKS: Benchmark[] = [
  transportBenchmark,
  gatewayL1Benchmark,
  l2LookupBenchmark,
  adaptersBenchmark,
  storeRedisBenchmark,
];

const requested = process.argv[2];
const selected =
  requested === undefined ? BENCHMARKS : BENCHMARKS.filter((bench) => bench.name === requested);
if (selected.length === 0) {
  console.error(`Unknown benchmark "${requested}". Benchmarks:`);
  for (const bench of BENCHMARKS) console.error(`  ${bench.name.padEnd(12)} ${bench.description}`);
  process.exit(1);
}

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
    const file = await writeResultsFile(bench.name, report, environment, seconds);
    console.log(`  wrote ${file} (${seconds.toFixed(1)} s)`);
  } catch (error) {
    failedToRun = true;
    console.error(`  ${bench.name} failed: ${(error as Error).stack ?? error}`);
  }
}
console.log(`\nDone in ${formatDuration(performance.now() - started)}.`);
process.exitCode = failedToRun ? 1 : 0;
