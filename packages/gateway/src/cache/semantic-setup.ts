import { createEmbedder } from '../embed/index';
import { memoizeEmbedder } from '../embed/memoized-embedder';
import { checkPromptGuards, DEFAULT_GUARDS } from '../semantic/guards';
import { createVectorIndex } from '../semantic/vector-index';
import type { Store } from '../store/store';
import { SemanticIndexRegistry } from './semantic-index-registry';
import type { SemanticCache } from './semantic-lookup';

/**
 * Differing-part vectors kept in memory (about 6 MB at 384 dimensions): enough for the questions of
 * the busiest indexes, so judging a candidate rarely costs an embedding call.
 */
const PART_VECTORS_KEPT = 4096;

/** Settings of the semantic cache (L2). */
export interface SemanticSetupOptions {
  embedder: string;
  embeddingModel?: string;
  embeddingDimensions?: number;
  /** Base URL (with `/v1`) of an `openai` embedder. */
  embeddingUrl?: string;
  embeddingApiKey?: string;
  threshold?: number;
  /** Guard names; `['none']` (or an empty list) turns the guards off. */
  guards?: string[];
}

/** Builds the embedder, the index registry and the guard check of a gateway. */
export async function createSemanticCache(
  store: Store,
  options: SemanticSetupOptions,
): Promise<SemanticCache> {
  const embedder = await createEmbedder(options.embedder, {
    openaiBaseUrl: options.embeddingUrl,
    openaiApiKey: options.embeddingApiKey,
    model: options.embeddingModel,
    dimensions: options.embeddingDimensions,
  });
  const guardsOff =
    options.guards !== undefined &&
    (options.guards.length === 0 || options.guards.includes('none'));
  const guards = guardsOff ? [] : (options.guards ?? [...DEFAULT_GUARDS]);
  // Validates the names now, so a typo in --l2-guards fails at start-up, not on the first lookup.
  checkPromptGuards('', '', { guards });
  const threshold = options.threshold ?? embedder.defaultThreshold;
  if (!(threshold > 0 && threshold <= 1)) {
    throw new TypeError(`Invalid l2Threshold ${threshold}: expected a number in (0, 1].`);
  }
  return {
    embedder,
    partEmbedder: memoizeEmbedder(embedder, { maxEntries: PART_VECTORS_KEPT }),
    threshold,
    guards,
    registry: new SemanticIndexRegistry(store, () => createVectorIndex(embedder.dimensions)),
    checkGuards: (cached, incoming) =>
      guards.length === 0 ? null : checkPromptGuards(cached, incoming, { guards }),
  };
}
