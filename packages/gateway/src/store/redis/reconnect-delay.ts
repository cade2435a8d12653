/**
 * The pause before reconnection attempt `attempt` (1 for the first) of a store connection:
 * 50 ms, doubling with every failed attempt, at most `maxDelayMs`.
 */
export function reconnectDelay(attempt: number, maxDelayMs: number): number {
  return Math.min(50 * 2 ** Math.min(attempt - 1, 10), maxDelayMs);
}
