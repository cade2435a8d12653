import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchmarkReport } from './benchmark';

/** Tracked results, the ones the README quotes: written only with `--save`. */
const SAVED_RESULTS_DIR = new URL('../results/', import.meta.url);
/** Every other run's results: gitignored, so running a benchmark never dirties the work tree. */
const LOCAL_RESULTS_DIR = new URL('../local-results/', import.meta.url);

/** The machine a result was measured on. */
export function describeEnvironment(): Record<string, unknown> {
  const processors = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * Writes `<name>.json` (environment, date, settings, figures and targets) to `local-results/`, or
 * with `save` to the tracked `results/`. Returns the path written, relative to bench/.
 */
export async function writeResultsFile(
  name: string,
  report: BenchmarkReport,
  environment: Record<string, unknown>,
  durationSeconds: number,
  options: { save?: boolean } = {},
): Promise<string> {
  const directory = options.save ? SAVED_RESULTS_DIR : LOCAL_RESULTS_DIR;
  await mkdir(directory, { recursive: true });
  const file = new URL(`${name}.json`, directory);
  const content = {
    benchmark: name,
    date: new Date().toISOString(),
    environment,
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    settings: report.settings,
    figures: report.figures,
    targets: report.targets ?? [],
  };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  return `${options.save ? 'results' : 'local-results'}/${name}.json`;
}
