/** How a figure compares with its target. */
export interface TargetCheck {
  /** e.g. `cc.fetch overhead, non-stream`. */
  figure: string;
  /** The measured value, formatted. */
  measured: string;
  /** The target, formatted, e.g. `< 3%`. */
  target: string;
  met: boolean;
}

/** What a benchmark hands back to the runner. */
export interface BenchmarkReport {
  /** The table printed for people. */
  table: string;
  /** Lines printed under the table (how to read it). */
  notes?: string[];
  /** Figures for `results/<name>.json`: ratios and latencies with their baselines. */
  figures: Record<string, unknown>;
  /** Settings of the run (rounds, concurrency, sizes), also written to the JSON. */
  settings: Record<string, unknown>;
  targets?: TargetCheck[];
  /** Set when the benchmark could not run here (e.g. no Redis); nothing is written then. */
  skipped?: string;
}

/** One benchmark of `pnpm bench`. */
export interface Benchmark {
  name: string;
  /** One line: what is measured against what. */
  description: string;
  /** Slow (minutes): left out of a plain `pnpm bench`, run only when named. @default false */
  slow?: boolean;
  run(): Promise<BenchmarkReport>;
}

/** A report for a benchmark that cannot run in this environment. */
export function skippedReport(reason: string): BenchmarkReport {
  return { table: '', figures: {}, settings: {}, skipped: reason };
}
