import type { CachedAnswer } from '../apis/cached-api';
import { areDepsCurrent } from '../cache/dep-validation';
import { computeLifetime } from '../cache/ttl-policy';
import type { GatewayContext } from '../gateway-context';
import type { CacheEntry, DepTag } from '../store/store';
import type { CacheableRequest } from './identify';

/**
 * Stores a completion in L1 (tagged with `deps`, the request's by default) and its prompt's vector
 * in L2, unless one of those deps was invalidated while the answer was on its way: such an entry
 * could never be served, and would replace one that can. A failed write is logged, never
 * answered: the client already has its completion.
 */
export async function writeCompletion(
  context: GatewayContext,
  cacheable: CacheableRequest,
  completion: CachedAnswer,
  knownVector: Float32Array | undefined,
  deps: DepTag[] = cacheable.deps,
): Promise<void> {
  const { store } = context;
  const createdAt = context.now();
  const lifetime = computeLifetime(cacheable.ttl, createdAt);
  const ttlMs = lifetime.expiresAt - createdAt;
  if (ttlMs <= 0) return;
  const entry: CacheEntry = {
    key: cacheable.l1Key,
    tenantId: cacheable.identity.tenantId,
    namespace: cacheable.namespace,
    model: cacheable.chat.model,
    body: JSON.stringify(completion),
    createdAt,
    ...lifetime,
    deps,
    totalTokens: cacheable.api.countTokens(completion),
    indexKey: cacheable.indexKey,
  };
  try {
    if (!(await areDepsCurrent(store, entry.tenantId, deps))) return;
    await store.setEntry(entry, ttlMs);
  } catch (error) {
    context.logger.warn('cache write failed', { error: (error as Error).message });
    return;
  }
  const text = cacheable.chat.semanticText;
  if (!context.semantic || !cacheable.indexKey || text === undefined) return;
  try {
    const vector = knownVector ?? (await context.semantic.embedder.embed([text]))[0];
    if (!vector) return;
    await store.addVector({
      id: cacheable.l1Key,
      tenantId: entry.tenantId,
      entryKey: cacheable.l1Key,
      indexKey: cacheable.indexKey,
      text,
      vector,
    });
  } catch (error) {
    context.logger.warn('l2 write failed; the entry is cached in L1 only', {
      error: (error as Error).message,
    });
  }
}
