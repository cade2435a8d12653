import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

/** One request, sent again and again. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** What one autocannon run observed. */
export interface AutocannonResult {
  /** 2xx answers per second over the run. */
  throughput: number;
  /** 2xx answers. */
  ok: number;
  /** Errors, timeouts and non-2xx answers. */
  failed: number;
  /** Latency percentiles in milliseconds (autocannon's resolution is 1 ms). */
  p50Ms: number;
  p99Ms: number;
  durationSeconds: number;
}

/** Options of {@link runAutocannon}. */
export interface AutocannonOptions {
  connections: number;
  durationSeconds: number;
  /** Pins the load generator to this core with `taskset -c`. */
  core?: number;
  /**
   * A HAR file of requests to cycle through instead of `load`'s single request (its headers and
   * body are then ignored; `load.url` names the origin).
   */
  harFile?: string;
}

const AUTOCANNON_CLI = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * Runs autocannon in its own process (so the load generator has a core of its own, never the
 * server's) against `load` and parses its `--json` report.
 */
export async function runAutocannon(
  load: LoadRequest,
  options: AutocannonOptions,
): Promise<AutocannonResult> {
  const args = [
    AUTOCANNON_CLI,
    '--json',
    '--no-progress',
    '--connections',
    String(options.connections),
    '--duration',
    String(options.durationSeconds),
    '--method',
    load.method,
    ...(options.harFile
      ? ['--har', options.harFile]
      : [
          ...Object.entries(load.headers).flatMap(([name, value]) => [
            '--headers',
            `${name}=${value}`,
          ]),
          ...(load.body === undefined ? [] : ['--body', load.body]),
        ]),
    load.url,
  ];
  const [command, commandArgs] =
    options.core === undefined
      ? [process.execPath, args]
      : ['taskset', ['-c', String(options.core), process.execPath, ...args]];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(command, commandArgs, { maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
      if (error) reject(new Error(`autocannon failed: ${error.message}\n${err}`));
      else resolve(out);
    });
  });
  const report = JSON.parse(stdout) as {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: { p50: number; p99: number };
  };
  return {
    throughput: report['2xx'] / report.duration,
    ok: report['2xx'],
    failed: report.errors + report.timeouts + report.non2xx,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    durationSeconds: report.duration,
  };
}
