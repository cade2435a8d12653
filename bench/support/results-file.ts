import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchmarkReport } from './benchmark';

const RESULTS_DIR = new URL('../results/', import.meta.url);

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

/** Writes `results/<name>.json`: environment, date, settings, figures and targets. */
export async function writeResultsFile(
  name: string,
  report: BenchmarkReport,
  environment: Record<string, unknown>,
  durationSeconds: number,
): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = new URL(`${name}.json`, RESULTS_DIR);
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
  return `results/${name}.json`;
}
