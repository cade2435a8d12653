import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayContext } from '../gateway-context';
import type { CacheEntry } from '../store/store';
import { readUpstreamText } from '../upstream/upstream-client';
import type { CacheableRequest } from './identify';
import { writeCompletion } from './write-completion';

/**
 * Stale-while-revalidate: refreshes a stale entry upstream in the background (the request itself
 * is answered from the stale entry), once across every instance sharing the store (a lock per
 * entry). `close()` of the gateway waits for the refresh.
 */
export function refreshStaleEntry(
  context: GatewayContext,
  requestHeaders: IncomingHttpHeaders,
  cacheable: CacheableRequest,
  entry: CacheEntry,
): void {
  const lockKey = `refresh:${cacheable.l1Key}`;
  const headers = { ...requestHeaders };
  const body: Record<string, unknown> = { ...cacheable.chat.body };
  delete body.stream;
  delete body.stream_options;
  const task = (async () => {
    let lock: string | null = null;
    try {
      lock = await context.store.acquireLock(lockKey, context.settings.upstreamTimeoutMs);
      if (!lock) return;
      const upstream = await context.upstream.send({
        method: 'POST',
        path: cacheable.api.path,
        headers,
        body: JSON.stringify(body),
      });
      const text = await readUpstreamText(upstream, context.settings.upstreamTimeoutMs);
      if (!upstream.response.ok) {
        context.logger.warn('background refresh failed upstream', {
          status: upstream.response.status,
        });
        return;
      }
      const completion = cacheable.api.readAnswer(JSON.parse(text));
      if (!completion) return;
      await writeCompletion(context, cacheable, completion, undefined, entry.deps);
      context.logger.debug('background refresh done', { tenant: cacheable.identity.tenantId });
    } catch (error) {
      context.logger.warn('background refresh failed', { error: (error as Error).message });
    } finally {
      if (lock) await context.store.releaseLock(lockKey, lock).catch(() => {});
    }
  })();
  context.background.add(task);
  void task.finally(() => context.background.delete(task));
}
