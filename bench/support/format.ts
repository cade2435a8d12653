/** Milliseconds with the precision loopback timings need: `0.412 ms`, `2.41 ms`, `312 ms`. */
export function formatMs(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return 'n/a';
  if (milliseconds < 1) return `${milliseconds.toFixed(3)} ms`;
  if (milliseconds < 10) return `${milliseconds.toFixed(2)} ms`;
  if (milliseconds < 100) return `${milliseconds.toFixed(1)} ms`;
  return `${Math.round(milliseconds)} ms`;
}

/** A ratio as a signed percentage difference: `1.029` → `+2.9%`. */
export function formatSignedPercent(ratio: number): string {
  const percent = (ratio * 100).toFixed(1);
  return ratio > 0 ? `+${percent}%` : `${percent}%`;
}

/** A ratio as a percentage: `0.734` → `73.4%`. */
export function formatPercentage(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Requests per second, rounded: `12 345/s`. */
export function formatThroughput(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** autocannon's whole-millisecond latencies: `< 1 ms`, `12 ms`. */
export function formatWholeMs(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return 'n/a';
  return milliseconds < 1 ? '< 1 ms' : `${Math.round(milliseconds)} ms`;
}
