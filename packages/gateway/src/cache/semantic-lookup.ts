import type { Embedder } from '../embed/embedder';
import { judgeCandidates } from '../semantic/candidate-judgement';
import type { GuardVeto } from '../semantic/types';
import type { CacheEntry, DepTag, Store, VectorRecord } from '../store/store';
import { canServeEntry } from './dep-validation';
import type { SemanticIndexRegistry } from './semantic-index-registry';

/**
 * Number of nearest candidates judged per lookup. Candidates are ranked again by the similarity of
 * their differing parts, so the one that decides need not be the search's first.
 */
const CANDIDATES = 16;

/** The L2 machinery of a gateway. */
export interface SemanticCache {
  embedder: Embedder;
  /**
   * Embeds the differing parts of judged prompts; the embedder itself when unset. Usually a
   * memoizing wrapper, since the cached side of a comparison comes back lookup after lookup.
   */
  partEmbedder?: Embedder;
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
  /**
   * The similarity that decided, of the best servable candidate: that of the parts where the two
   * prompts differ (1 when they differ only in whitespace). Reported also when the candidate was
   * vetoed or under the threshold.
   */
  bestSimilarity?: number;
  /** Why the best candidate, above the threshold, was not served. */
  veto?: GuardVeto & { similarity: number; cachedText: string };
  /** The request's vector, reused when its answer is written. */
  vector: Float32Array;
}

/**
 * The L2 pipeline: search the request's index (same namespace and context, so the same shared
 * document), judge the nearest candidates on the parts where their query texts differ from the
 * request's (`judgeCandidates`), and take the best servable one (entry present, not expired, deps
 * current). It is served when its similarity reaches the threshold and the prompt guards, run on
 * the differing parts, pass; a vetoed best candidate is a miss, never replaced by a worse one,
 * whose only merit would be that the guards found nothing to object to.
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
  const loaded = await semantic.registry.get(request.tenantId, request.indexKey);
  if (loaded.index.size === 0) return { vector };
  const candidates: { text: string; score: number; payload: VectorRecord }[] = [];
  for (const match of loaded.index.search(vector, CANDIDATES)) {
    const record = loaded.records.get(match.id);
    if (record) candidates.push({ text: record.text, score: match.score, payload: record });
  }
  const partEmbedder = semantic.partEmbedder ?? semantic.embedder;
  const ranked = await judgeCandidates({ text: request.text }, candidates, (texts) =>
    partEmbedder.embed(texts, request.signal),
  );
  const result: SemanticLookupResult = { vector, bestSimilarity: ranked[0]?.similarity };
  for (const judged of ranked) {
    if (judged.similarity < semantic.threshold) {
      result.bestSimilarity = judged.similarity;
      return result;
    }
    const record = judged.candidate.payload;
    const entry = await store.getEntry(record.tenantId, record.entryKey);
    if (!entry || entry.expiresAt <= request.now) continue;
    if (!(await canServeEntry(store, request.tenantId, entry.deps, request.deps))) continue;
    result.bestSimilarity = judged.similarity;
    const veto =
      judged.cachedPart === ''
        ? null
        : semantic.checkGuards(judged.cachedPart, judged.incomingPart);
    if (veto) {
      result.veto = { ...veto, similarity: judged.similarity, cachedText: record.text };
      return result;
    }
    result.hit = { entry, similarity: judged.similarity };
    return result;
  }
  return result;
}
