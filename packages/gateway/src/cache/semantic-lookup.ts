import type { Embedder } from '../embed/embedder';
import type { GuardVeto } from '../semantic/types';
import type { CacheEntry, DepTag, Store } from '../store/store';
import { canServeEntry } from './dep-validation';
import type { SemanticIndexRegistry } from './semantic-index-registry';

/** Number of nearest candidates examined per lookup. */
const CANDIDATES = 5;

/** The L2 machinery of a gateway. */
export interface SemanticCache {
  embedder: Embedder;
  threshold: number;
  /** Names of the active prompt guards (empty when they are off). */
  guards: readonly string[];
  registry: SemanticIndexRegistry;
  /** Returns why a cached prompt must not answer the incoming one, or null when it may. */
  checkGuards(cachedText: string, incomingText: string): GuardVeto | null;
}

/** What an L2 lookup found, for the answer and for debug headers. */
export interface SemanticLookupResult {
  /** The entry to serve, when an L2 hit was found. */
  hit?: { entry: CacheEntry; similarity: number };
  /** Similarity of the best candidate, even when vetoed or under the threshold. */
  bestSimilarity?: number;
  /** The first guard that vetoed a candidate above the threshold. */
  veto?: GuardVeto & { similarity: number; cachedText: string };
  /** The request's vector, reused when its answer is written. */
  vector: Float32Array;
}

/**
 * The L2 pipeline: search the request's index (same namespace and context), then take the first
 * candidate above the threshold whose entry still exists, has not expired, has current deps and
 * passes the prompt guards.
 */
export async function lookupSemantic(
  semantic: SemanticCache,
  store: Store,
  request: {
    indexKey: string;
    text: string;
    tenantId: string;
    deps: readonly DepTag[];
    now: number;
    signal?: AbortSignal;
  },
): Promise<SemanticLookupResult> {
  const [vector] = await semantic.embedder.embed([request.text], request.signal);
  if (!vector) throw new Error('The embedder returned no vector.');
  const loaded = await semantic.registry.get(request.indexKey);
  if (loaded.index.size === 0) return { vector };
  const matches = loaded.index.search(vector, CANDIDATES);
  const result: SemanticLookupResult = { vector, bestSimilarity: matches[0]?.score };
  for (const match of matches) {
    if (match.score < semantic.threshold) break;
    const record = loaded.records.get(match.id);
    if (!record) continue;
    const entry = await store.getEntry(record.entryKey);
    if (!entry || entry.expiresAt <= request.now) continue;
    if (!(await canServeEntry(store, request.tenantId, entry.deps, request.deps))) continue;
    const veto = semantic.checkGuards(record.text, request.text);
    if (veto) {
      result.veto ??= { ...veto, similarity: match.score, cachedText: record.text };
      continue;
    }
    result.hit = { entry, similarity: match.score };
    return result;
  }
  return result;
}
