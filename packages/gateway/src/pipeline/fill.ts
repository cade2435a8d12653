import type { IncomingMessage, ServerResponse } from 'node:http';
import { canServeEntry } from '../cache/dep-validation';
import { classifyFreshness } from '../cache/ttl-policy';
import type { FlightOutcome, GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { countStat } from './count-stat';
import { flightKeyOf } from './flight-key';
import { type FlightLease, takeFlightLease } from './flight-lease';
import type { CacheableRequest } from './identify';
import type { CacheMiss } from './lookup';
import { callUpstream } from './upstream-call';
import { writeCompletion } from './write-completion';

/** How often a request waiting on another instance's flight looks for its entry and its lock. */
const FOREIGN_FLIGHT_POLL_MS = 25;

/** Who answered a writable miss: this request's own upstream call, or another request's. */
type FilledOutcome = { outcome: FlightOutcome; collapsed: boolean };

/**
 * The fill stage of a miss: one upstream call per key and deps at a time (single-flight in this
 * process, a leased lock across instances sharing the store), the answer passed through or
 * assembled, then stored. A streaming leader has answered its client when this returns; everyone
 * else answers from the outcome. A request answered by another's call is observed as a collapsed
 * `follower` (it still answers `X-Cache: MISS`).
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
  const tenantId = cacheable.identity.tenantId;
  const call = () => callUpstream(context, request, response, cacheable, observation, headers);
  if (!miss.writable) {
    countStat(context, tenantId, 'misses');
    return call();
  }
  const filled = await fillOnce(context, cacheable, miss, call);
  observation.flight = filled.collapsed ? 'follower' : 'leader';
  countStat(context, tenantId, filled.collapsed ? 'collapsed' : 'misses');
  return filled.outcome;
}

async function fillOnce(
  context: GatewayContext,
  cacheable: CacheableRequest,
  miss: CacheMiss,
  call: () => Promise<FlightOutcome>,
): Promise<FilledOutcome> {
  // The deps are part of the key: a request that expects the hashes an invalidation just set must
  // never join a flight started with the previous ones.
  const key = flightKeyOf(cacheable);
  // Followers take the leader's outcome; if the leader's client went away mid-answer, the next
  // waiting request leads a new flight (bounded, so a flapping upstream cannot loop forever).
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const running = context.flights.join(key);
    if (!running) break;
    const outcome = await running;
    if (outcome.kind !== 'aborted') return { outcome, collapsed: true };
  }
  let collapsed = false;
  const outcome = await context.flights.lead(key, async () => {
    let lease = await takeFlightLease(context, `flight:${key}`);
    if (!lease) {
      const followed = await followForeignFlight(context, cacheable, `flight:${key}`);
      if (followed.kind === 'served') {
        collapsed = true;
        return followed.outcome;
      }
      lease = followed.lease;
    }
    try {
      const called = await call();
      if (called.kind === 'completion') {
        await writeCompletion(context, cacheable, called.completion, miss.vector);
      }
      return called;
    } finally {
      await lease?.release();
    }
  });
  return { outcome, collapsed };
}

/**
 * Another gateway instance holds the flight's lock: answer from its entry once it is written and
 * servable to this request (the same check as an L1 read: fresh, every tag current, the request's
 * own deps matched), or take the lock over as soon as it is free without such an entry (the
 * leader failed, its client left, it died and its lease ran out, or its answer was invalidated
 * meanwhile). Never waits longer than the upstream timeout; past it, calls upstream unlocked.
 */
async function followForeignFlight(
  context: GatewayContext,
  cacheable: CacheableRequest,
  lockKey: string,
): Promise<
  { kind: 'served'; outcome: FlightOutcome } | { kind: 'lead'; lease: FlightLease | undefined }
> {
  const deadline = context.monotonicNow() + context.settings.upstreamTimeoutMs;
  while (context.monotonicNow() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, FOREIGN_FLIGHT_POLL_MS));
    const written = await readServableEntry(context, cacheable);
    if (written) return { kind: 'served', outcome: written };
    const lease = await takeFlightLease(context, lockKey);
    if (lease) {
      // The leader let go; it may have written just before it did.
      const writtenMeanwhile = await readServableEntry(context, cacheable);
      if (!writtenMeanwhile) return { kind: 'lead', lease };
      await lease.release();
      return { kind: 'served', outcome: writtenMeanwhile };
    }
  }
  return { kind: 'lead', lease: undefined };
}

async function readServableEntry(
  context: GatewayContext,
  cacheable: CacheableRequest,
): Promise<FlightOutcome | undefined> {
  const tenantId = cacheable.identity.tenantId;
  const entry = await context.store.getEntry(tenantId, cacheable.l1Key);
  if (!entry || classifyFreshness(entry, context.now()) !== 'fresh') return undefined;
  if (!(await canServeEntry(context.store, tenantId, entry.deps, cacheable.deps))) return undefined;
  return { kind: 'completion', completion: JSON.parse(entry.body), body: entry.body };
}
