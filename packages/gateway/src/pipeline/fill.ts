import type { IncomingMessage, ServerResponse } from 'node:http';
import { classifyFreshness } from '../cache/ttl-policy';
import type { FlightOutcome, GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { countStat } from './count-stat';
import type { CacheableRequest } from './identify';
import type { CacheMiss } from './lookup';
import { callUpstream } from './upstream-call';
import { writeCompletion } from './write-completion';

/** How long a request waits for another gateway instance's flight before calling upstream itself. */
const FOREIGN_FLIGHT_WAIT_MS = 30_000;
const FOREIGN_FLIGHT_POLL_MS = 25;

/**
 * The fill stage of a miss: one upstream call per key at a time (single-flight in this process, a
 * lock across instances sharing the store), the answer passed through or assembled, then stored.
 * A streaming leader has answered its client when this returns; everyone else answers from the
 * outcome.
 */
export async function fillFromUpstream(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  cacheable: CacheableRequest,
  miss: CacheMiss,
  observation: ObservedRequest,
  headers: Record<string, string>,
): Promise<FlightOutcome> {
  countStat(context, cacheable.identity.tenantId, 'misses');
  const call = () => callUpstream(context, request, response, cacheable, observation, headers);
  if (!miss.writable) return call();

  // Followers take the leader's outcome; if the leader's client went away mid-answer, the next
  // waiting request leads a new flight (bounded, so a flapping upstream cannot loop forever).
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const running = context.flights.join(cacheable.l1Key);
    if (!running) break;
    observation.flight = 'follower';
    const outcome = await running;
    if (outcome.kind !== 'aborted') return outcome;
  }

  observation.flight = 'leader';
  return context.flights.lead(cacheable.l1Key, async () => {
    const { store } = context;
    const lockKey = `flight:${cacheable.l1Key}`;
    const lock = await store.acquireLock(lockKey, context.settings.upstreamTimeoutMs);
    try {
      if (!lock) {
        const written = await waitForForeignFlight(context, cacheable);
        if (written) return written;
      }
      const outcome = await call();
      if (outcome.kind === 'completion') {
        await writeCompletion(context, cacheable, outcome.completion, miss.vector);
      }
      return outcome;
    } finally {
      if (lock) await store.releaseLock(lockKey, lock).catch(() => {});
    }
  });
}

/**
 * Another gateway instance holds the flight lock: wait for its entry rather than calling upstream
 * twice; give up (and call upstream) if it does not appear in time, e.g. because that instance died.
 */
async function waitForForeignFlight(
  context: GatewayContext,
  cacheable: CacheableRequest,
): Promise<FlightOutcome | undefined> {
  const deadline =
    context.monotonicNow() + Math.min(context.settings.upstreamTimeoutMs, FOREIGN_FLIGHT_WAIT_MS);
  while (context.monotonicNow() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, FOREIGN_FLIGHT_POLL_MS));
    const entry = await context.store.getEntry(cacheable.l1Key);
    if (entry && classifyFreshness(entry, context.now()) === 'fresh') {
      return { kind: 'completion', completion: JSON.parse(entry.body), body: entry.body };
    }
  }
  return undefined;
}
