import { type AutocannonResult, type LoadRequest, runAutocannon } from './autocannon-load';
import { pinProcess, readAffinity, readProcessCpuMs } from './process-cpu';
import { median, roundTo } from './statistics';

/** A server measured by {@link measureServerCost}: a process of its own and the request it serves. */
export interface CostTarget {
  name: string;
  /** The server's process id (its CPU time is read from `/proc/<pid>/stat`). */
  pid: number;
  load: LoadRequest;
  /**
   * Counts the server's answers so far, all and those of the expected kind (e.g. `HIT_L1`), and
   * the requests whose client left first (`left`, optional); read before and after each window,
   * every answer of the window must be of the expected kind, and no more clients than
   * connections may have left.
   */
  countAnswers?: () => Promise<{ all: number; expected: number; left?: number }>;
  /** Other processes the target depends on whose CPU time is reported too (e.g. redis-server). */
  helpers?: Array<{ name: string; pid: number }>;
}

/** Settings of {@link measureServerCost}. */
export interface ServerCostOptions {
  /** autocannon connections. */
  connections: number;
  warmUpSeconds: number;
  rounds: number;
  roundSeconds: number;
  /** Core of the load generator (autocannon and this process); servers are pinned elsewhere. */
  loadCore?: number;
}

/** The load of the server benchmarks: 32 connections, a 3 s warm-up, five rounds of 3 s. */
export const SERVER_COST_LOAD = {
  connections: 32,
  warmUpSeconds: 3,
  rounds: 5,
  roundSeconds: 3,
} as const satisfies ServerCostOptions;

/** One measured window of one target. */
export interface CostWindow {
  load: AutocannonResult;
  /** Server CPU time (user + system) per answered request, in microseconds. */
  cpuMicrosPerRequest: number;
  /** Server CPU time over the window's wall time: near 1 means the server, not the client, limits. */
  serverCoreUse: number;
  /** CPU microseconds per request of each helper process. */
  helperMicrosPerRequest: Record<string, number>;
}

/** The windows of every target, in target order, one per round. */
export type CostRounds = Map<string, CostWindow[]>;

/**
 * Drives every target with the same autocannon load, one at a time: a warm-up window each, then
 * `rounds` rounds in which every target gets one window (the order rotates every round, so no
 * target always runs first or after the same neighbour). The caller pins servers to their core;
 * this process and the load generator are pinned to `loadCore` for the duration.
 */
export async function measureServerCost(
  targets: readonly CostTarget[],
  options: ServerCostOptions,
): Promise<CostRounds> {
  const ownAffinity = options.loadCore === undefined ? undefined : readAffinity(process.pid);
  if (options.loadCore !== undefined) pinProcess(process.pid, String(options.loadCore));
  try {
    for (const target of targets) await measureWindow(target, options, options.warmUpSeconds);
    const rounds: CostRounds = new Map(targets.map((target) => [target.name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (let step = 0; step < targets.length; step++) {
        const target = targets[(round + step) % targets.length] as CostTarget;
        rounds.get(target.name)?.push(await measureWindow(target, options, options.roundSeconds));
      }
    }
    return rounds;
  } finally {
    if (ownAffinity !== undefined) pinProcess(process.pid, ownAffinity);
  }
}

async function measureWindow(
  target: CostTarget,
  options: ServerCostOptions,
  seconds: number,
): Promise<CostWindow> {
  const answersBefore = await target.countAnswers?.();
  const helpersBefore = (target.helpers ?? []).map((helper) => readProcessCpuMs(helper.pid));
  const cpuBefore = readProcessCpuMs(target.pid);
  const started = performance.now();
  const load = await runAutocannon(target.load, {
    connections: options.connections,
    durationSeconds: seconds,
    core: options.loadCore,
  });
  const wallMs = performance.now() - started;
  const cpuMs = readProcessCpuMs(target.pid) - cpuBefore;
  const helperMicrosPerRequest: Record<string, number> = {};
  for (const [index, helper] of (target.helpers ?? []).entries()) {
    const used = readProcessCpuMs(helper.pid) - (helpersBefore[index] ?? 0);
    helperMicrosPerRequest[helper.name] = (used * 1000) / load.ok;
  }
  if (load.failed > 0 || load.ok === 0) {
    throw new Error(`${target.name}: ${load.failed} failed requests, ${load.ok} answered`);
  }
  if (answersBefore && target.countAnswers) {
    const answersAfter = await target.countAnswers();
    const all = answersAfter.all - answersBefore.all;
    const expected = answersAfter.expected - answersBefore.expected;
    if (all !== expected || all < load.ok) {
      throw new Error(`${target.name}: ${all - expected} of ${all} answers were not as expected`);
    }
    // Only the requests in flight when autocannon stops may lose their client.
    const left = (answersAfter.left ?? 0) - (answersBefore.left ?? 0);
    if (left > options.connections) {
      throw new Error(`${target.name}: ${left} clients left before their answer`);
    }
  }
  return {
    load,
    cpuMicrosPerRequest: (cpuMs * 1000) / load.ok,
    serverCoreUse: cpuMs / wallMs,
    helperMicrosPerRequest,
  };
}

/** Medians over rounds of one target's windows. */
export interface CostSummary {
  throughput: number;
  cpuMicrosPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  serverCoreUse: number;
  /** Helper processes' CPU microseconds per request (median over rounds). */
  helpers: Record<string, number>;
  requests: number;
}

/** Medians over rounds of a target's throughput, CPU per request, latency and core use. */
export function summariseCost(windows: readonly CostWindow[]): CostSummary {
  const helperNames = Object.keys(windows[0]?.helperMicrosPerRequest ?? {});
  return {
    throughput: roundTo(median(windows.map((window) => window.load.throughput)), 0),
    cpuMicrosPerRequest: roundTo(median(windows.map((window) => window.cpuMicrosPerRequest)), 1),
    p50Ms: median(windows.map((window) => window.load.p50Ms)),
    p99Ms: median(windows.map((window) => window.load.p99Ms)),
    serverCoreUse: roundTo(median(windows.map((window) => window.serverCoreUse)), 3),
    helpers: Object.fromEntries(
      helperNames.map((name) => [
        name,
        roundTo(median(windows.map((window) => window.helperMicrosPerRequest[name] ?? 0)), 1),
      ]),
    ),
    requests: windows.reduce((sum, window) => sum + window.load.ok, 0),
  };
}

/** A candidate against a baseline, each round's ratio, median over rounds. */
export interface CostRatio {
  /** candidate req/s ÷ baseline req/s. */
  throughput: number;
  /** candidate CPU µs/request ÷ baseline CPU µs/request. */
  cpuPerRequest: number;
}

/** Median over rounds of candidate/baseline throughput and CPU per request, round by round. */
export function compareCost(
  candidate: readonly CostWindow[],
  baseline: readonly CostWindow[],
): CostRatio {
  const ratios = candidate.map((window, round) => {
    const base = baseline[round] ?? window;
    return {
      throughput: window.load.throughput / base.load.throughput,
      cpuPerRequest: window.cpuMicrosPerRequest / base.cpuMicrosPerRequest,
    };
  });
  return {
    throughput: roundTo(median(ratios.map((ratio) => ratio.throughput)), 3),
    cpuPerRequest: roundTo(median(ratios.map((ratio) => ratio.cpuPerRequest)), 3),
  };
}

/** Below this share of its core, a server was starved by other work on the machine. */
const STARVED_CORE_USE = 0.8;

/**
 * A warning when some server did not get its core (other jobs on the machine): its req/s then
 * says more about the machine than about the server, while CPU per request still holds.
 */
export function starvedCoreWarning(summaries: Record<string, CostSummary>): string | undefined {
  const starved = Object.entries(summaries).filter(
    ([, summary]) => summary.serverCoreUse < STARVED_CORE_USE,
  );
  if (starved.length === 0) return undefined;
  const lowest = Math.min(...starved.map(([, summary]) => summary.serverCoreUse));
  return `WARNING: ${starved.length} server(s) used under ${STARVED_CORE_USE * 100}% of their core (lowest ${Math.round(lowest * 100)}%): the machine is busy with other work, so req/s and its ratios are unreliable; CPU per request holds better (waiting costs no CPU, though a shared core's caches still inflate it)`;
}
