import type { CachedAnswer } from './apis/cached-api';
import type { TenantIdentity } from './auth/tenant-claims';
import type { TokenVerifier } from './auth/token-verifier';
import type { SemanticCache } from './cache/semantic-lookup';
import type { SingleFlight } from './cache/single-flight';
import type { ResolvedGatewaySettings } from './config/gateway-options';
import type { GatewayLogger } from './log/logger';
import type { GatewayMetrics } from './metrics/gateway-metrics';
import type { Store } from './store/store';
import type { UpstreamClient } from './upstream/upstream-client';

/** The result of one upstream call for a cache miss, shared with single-flight followers. */
export type FlightOutcome =
  | { kind: 'completion'; completion: CachedAnswer; body: string }
  | { kind: 'error'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'aborted' };

/** Everything a request handler needs, built once by `startGateway`. */
export interface GatewayContext {
  settings: ResolvedGatewaySettings;
  store: Store;
  upstream: UpstreamClient;
  verifier: TokenVerifier;
  logger: GatewayLogger;
  /** The clock of every timestamp (entry ages, TTLs, rate-limit windows), epoch ms. */
  now: () => number;
  /**
   * A monotonic clock in ms for durations and deadlines: waits must not stop or jump when `now`
   * is a test's frozen clock or the system time is set.
   */
  monotonicNow: () => number;
  /** The L2 machinery, absent when L2 is off. */
  semantic: SemanticCache | undefined;
  /** Hashed into every namespace: the embedder id, or `l2-off`. */
  embedderId: string;
  /** The namespace of a tenant identity, system prompt and toolset, remembered by those inputs. */
  namespaceOf: (identity: TenantIdentity, systemText: string, toolsJson: string) => string;
  adminToken: string | undefined;
  /** Prometheus metrics, served at `GET /metrics`. */
  metrics: GatewayMetrics;
  flights: SingleFlight<FlightOutcome>;
  /** Set by `close()`: `/ready` answers 503 while in-flight requests finish. */
  shuttingDown?: boolean;
  /** Background work (SWR refreshes) that `close()` waits for. */
  background: Set<Promise<unknown>>;
}
