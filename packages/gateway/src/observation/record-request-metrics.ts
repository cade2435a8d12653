import { isHitStatus } from '@cachecore/core/protocol';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ObservedRequest } from './observed-request';

/** Turns what was observed about one answered request into metric observations. */
export function recordRequestMetrics(
  metrics: GatewayMetrics,
  answer: { pathname: string; statusCode: number; durationMs: number },
  observation: ObservedRequest,
): void {
  const { cache, upstream } = observation;
  metrics.recordRequest({ ...answer, cacheStatus: cache });
  if (upstream) metrics.recordUpstreamCall(upstream);
  if (cache && observation.tokensSaved !== undefined) {
    metrics.recordTokensSaved(cache, observation.tokensSaved);
  }
  if (observation.l2Veto !== undefined) metrics.recordL2Veto(observation.l2Veto);
  if (observation.flight === 'follower') metrics.recordAvoidedUpstreamCall('collapsed');
  else if (cache !== undefined && isHitStatus(cache)) metrics.recordAvoidedUpstreamCall('hit');
}
