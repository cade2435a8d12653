import type { CacheStatusValue } from '../wire/cache-headers';

/** One call to the upstream API made for a request. */
export interface ObservedUpstreamCall {
  /** Milliseconds until the answer was read (or the stream ended). */
  durationMs: number;
  /** `ok` for a complete 2xx answer, `error` for another status, `aborted` for a cut-off stream. */
  outcome: 'ok' | 'error' | 'aborted';
  /** The upstream's HTTP status. */
  status: number;
}

/**
 * What the gateway observed while answering one request: the source of its log line and of its
 * metrics. Stages fill in what they learn; nothing else travels through it.
 */
export interface ObservedRequest {
  /** The tenant, once its token was verified. */
  tenant?: string;
  model?: string;
  stream?: boolean;
  /** The `X-Cache` status answered. */
  cache?: CacheStatusValue;
  /**
   * How the request took part in single-flight: `leader` made the upstream call, `follower` was
   * answered by another request's call (`X-Cache: MISS` on the wire, but no upstream call).
   */
  flight?: 'leader' | 'follower';
  /** Tokens a cache hit saved. */
  tokensSaved?: number;
  /** Similarity of an L2 hit. */
  similarity?: number;
  /** The prompt guard that vetoed an L2 candidate. */
  l2Veto?: string;
  /** Why the L2 lookup failed (the request went on without it). */
  l2Error?: string;
  /** Why the store failed (the request was answered uncached). */
  storeError?: string;
  upstream?: ObservedUpstreamCall;
  /** A `/v1/invalidate` request: the dep and how many entries it deleted. */
  invalidation?: { depId: string; keysDeleted: number };
  /** A `/v1/embeddings` request: how many inputs it had and how many came from the cache. */
  embeddings?: { inputs: number; cached: number };
}

/**
 * Adds the log line fields of an observation to `fields`, in the names the gateway has always
 * logged; what was not observed is left out. Assigned one by one (no intermediate object): this
 * runs for every request, cache hits included.
 */
export function addObservationLogFields(
  fields: Record<string, unknown>,
  observation: ObservedRequest,
): Record<string, unknown> {
  const { upstream, invalidation, embeddings } = observation;
  if (observation.tenant !== undefined) fields.tenant = observation.tenant;
  if (observation.model !== undefined) fields.model = observation.model;
  if (observation.stream !== undefined) fields.stream = observation.stream;
  if (observation.cache !== undefined) fields.cache = observation.cache;
  if (observation.flight !== undefined) fields.single_flight = observation.flight;
  if (observation.tokensSaved !== undefined) fields.tokens_saved = observation.tokensSaved;
  if (observation.similarity !== undefined) fields.similarity = observation.similarity;
  if (observation.l2Veto !== undefined) fields.l2_veto = observation.l2Veto;
  if (observation.l2Error !== undefined) fields.l2_error = observation.l2Error;
  if (observation.storeError !== undefined) fields.store_error = observation.storeError;
  if (upstream) {
    fields.upstream_ms = upstream.durationMs;
    fields.upstream_status = upstream.status;
    if (upstream.outcome === 'aborted') fields.stream_incomplete = true;
  }
  if (embeddings) {
    fields.embedding_inputs = embeddings.inputs;
    fields.embedding_inputs_cached = embeddings.cached;
  }
  if (invalidation) {
    fields.dep_id = invalidation.depId;
    fields.keys_deleted = invalidation.keysDeleted;
  }
  return fields;
}
