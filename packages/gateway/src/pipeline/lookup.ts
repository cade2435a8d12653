import { L2_BEST_HEADER_LOWER, L2_VETO_HEADER_LOWER } from '@cachecore/core/protocol';
import { areDepsCurrent, canServeEntry } from '../cache/dep-validation';
import { lookupSemantic, type SemanticLookupResult } from '../cache/semantic-lookup';
import { classifyFreshness, entryAgeSeconds } from '../cache/ttl-policy';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import type { CacheEntry } from '../store/store';
import { countStat } from './count-stat';
import type { CacheableRequest } from './identify';

/** An entry that may answer the request. */
export interface CacheHit {
  kind: 'hit';
  /** `l1` for the exact key, `l2` for a semantically similar prompt. */
  tier: 'l1' | 'l2';
  /** An L1 entry past its fresh TTL, inside its stale window: served, then refreshed. */
  stale: boolean;
  entry: CacheEntry;
  /** 1 at L1; the cosine similarity at L2. */
  similarity: number;
  ageSeconds: number;
  /** Debug headers of the request and of its L2 lookup. */
  debugHeaders: Record<string, string>;
}

/** No entry may answer: what filling it from upstream needs. */
export interface CacheMiss {
  kind: 'miss';
  /**
   * False when the request expects dep hashes that were invalidated since: it is answered, but its
   * answer must never be stored.
   */
  writable: boolean;
  /** The prompt's vector, when the L2 lookup computed it, so the write does not embed it again. */
  vector: Float32Array | undefined;
  debugHeaders: Record<string, string>;
}

/** What the lookup stage decided. */
export type LookupDecision = CacheHit | CacheMiss;

/**
 * The lookup stage: L1 (exact key, fresh or stale, deps servable), then L2 (similar prompt, deps
 * servable, prompt guards). Counts the hit statistics and observes the hit.
 */
export async function lookupCache(
  context: GatewayContext,
  cacheable: CacheableRequest,
  observation: ObservedRequest,
): Promise<LookupDecision> {
  const { store } = context;
  const tenantId = cacheable.identity.tenantId;
  const { directives } = cacheable;
  if (directives.noCache) {
    return missOf(cacheable, await areDepsCurrent(store, tenantId, cacheable.deps));
  }

  const now = context.now();
  const maxAgeMs = directives.maxAgeSeconds === null ? undefined : directives.maxAgeSeconds * 1000;
  const l1 = await readL1(context, cacheable, now, maxAgeMs !== undefined);
  if (!l1.depsCurrent) return missOf(cacheable, false);
  if (l1.hit && isYoungEnough(l1.hit.entry, now, maxAgeMs)) {
    const { entry, freshness } = l1.hit;
    // `lookupEntry` counts its hits itself; the two-step read (max-age) counts them here.
    if (!l1.counted) {
      countStat(context, tenantId, freshness === 'stale' ? 'hits_l1_stale' : 'hits_l1');
      countStat(context, tenantId, 'tokens_saved', entry.totalTokens);
    }
    observation.tokensSaved = entry.totalTokens;
    return {
      kind: 'hit',
      tier: 'l1',
      stale: freshness === 'stale',
      entry,
      similarity: 1,
      ageSeconds: entryAgeSeconds(entry, now),
      debugHeaders: cacheable.debugHeaders,
    };
  }

  const semantic = await lookupSemanticSafely(context, cacheable, observation);
  const debugHeaders = semanticDebugHeaders(context, cacheable, semantic);
  if (semantic?.veto) {
    context.logger.info('l2 veto', {
      tenant: tenantId,
      guard: semantic.veto.guard,
      detail: semantic.veto.detail,
      similarity: Number(semantic.veto.similarity.toFixed(4)),
    });
    observation.l2Veto = semantic.veto.guard;
  }
  if (semantic?.hit && isYoungEnough(semantic.hit.entry, now, maxAgeMs)) {
    const { entry: hitEntry, similarity } = semantic.hit;
    countStat(context, tenantId, 'hits_l2');
    countStat(context, tenantId, 'tokens_saved', hitEntry.totalTokens);
    observation.tokensSaved = hitEntry.totalTokens;
    observation.similarity = Number(similarity.toFixed(4));
    return {
      kind: 'hit',
      tier: 'l2',
      stale: false,
      entry: hitEntry,
      similarity,
      ageSeconds: entryAgeSeconds(hitEntry, context.now()),
      debugHeaders,
    };
  }
  return missOf(cacheable, true, semantic?.vector, debugHeaders);
}

/**
 * A miss of `cacheable`: writable when its deps are current and it did not say `no-store` (such
 * answers are never written; `no-cache` skips the read and refreshes the entry).
 */
function missOf(
  cacheable: CacheableRequest,
  depsCurrent: boolean,
  vector?: Float32Array,
  debugHeaders = cacheable.debugHeaders,
): CacheMiss {
  return {
    kind: 'miss',
    writable: depsCurrent && !cacheable.directives.noStore,
    vector,
    debugHeaders,
  };
}

/** Whether `entry` is young enough for a `max-age` of `maxAgeMs` (any age without one). */
function isYoungEnough(entry: CacheEntry, now: number, maxAgeMs: number | undefined): boolean {
  return maxAgeMs === undefined || now - entry.createdAt <= maxAgeMs;
}

/**
 * The L1 read: one `lookupEntry` call (one round trip on Redis, the hit counted by the store), or,
 * for a `max-age` request whose hit may still be refused for its age, the dep check and the entry
 * read in two steps, uncounted.
 */
async function readL1(
  context: GatewayContext,
  cacheable: CacheableRequest,
  now: number,
  mayRefuse: boolean,
): Promise<{
  depsCurrent: boolean;
  hit?: { entry: CacheEntry; freshness: 'fresh' | 'stale' };
  counted: boolean;
}> {
  const { store } = context;
  const tenantId = cacheable.identity.tenantId;
  if (!mayRefuse) {
    const result = await store.lookupEntry({
      key: cacheable.l1Key,
      tenantId,
      deps: cacheable.deps,
      now,
    });
    return { depsCurrent: result.depsCurrent, hit: result.hit, counted: true };
  }
  if (!(await areDepsCurrent(store, tenantId, cacheable.deps)))
    return { depsCurrent: false, counted: false };
  const entry = await store.getEntry(tenantId, cacheable.l1Key);
  const freshness = entry ? classifyFreshness(entry, now) : 'expired';
  if (!entry || freshness === 'expired') return { depsCurrent: true, counted: false };
  if (!(await canServeEntry(store, tenantId, entry.deps, cacheable.deps))) {
    return { depsCurrent: true, counted: false };
  }
  return { depsCurrent: true, hit: { entry, freshness }, counted: false };
}

/** L2 must never fail a request: an embedder outage only costs the semantic lookup. */
async function lookupSemanticSafely(
  context: GatewayContext,
  cacheable: CacheableRequest,
  observation: ObservedRequest,
): Promise<SemanticLookupResult | undefined> {
  const text = cacheable.chat.semanticText;
  if (!context.semantic || !cacheable.indexKey || text === undefined) return undefined;
  try {
    return await lookupSemantic(context.semantic, context.store, {
      indexKey: cacheable.indexKey,
      text,
      tenantId: cacheable.identity.tenantId,
      deps: cacheable.deps,
      now: context.now(),
    });
  } catch (error) {
    observation.l2Error = (error as Error).message;
    context.logger.warn('l2 lookup failed; continuing without the semantic cache', {
      error: (error as Error).message,
    });
    return undefined;
  }
}

/** The request's debug headers plus what its L2 lookup saw: the best similarity, a veto. */
function semanticDebugHeaders(
  context: GatewayContext,
  cacheable: CacheableRequest,
  semantic: SemanticLookupResult | undefined,
): Record<string, string> {
  if (!context.settings.debugHeaders || !semantic) return cacheable.debugHeaders;
  const headers = { ...cacheable.debugHeaders };
  if (semantic.bestSimilarity !== undefined) {
    headers[L2_BEST_HEADER_LOWER] = semantic.bestSimilarity.toFixed(4);
  }
  if (semantic.veto) headers[L2_VETO_HEADER_LOWER] = semantic.veto.guard;
  return headers;
}
