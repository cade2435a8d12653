import type { GatewayContext } from '../gateway-context';
import type { StatName } from '../store/store';

/**
 * Counts a statistic without waiting and without ever failing the request: statistics are not
 * worth an error answer when the store is unavailable.
 */
export function countStat(context: GatewayContext, scope: string, stat: StatName, by = 1): void {
  context.store.incrementStat(scope, stat, by).catch((error: unknown) => {
    context.logger.debug('statistics update failed', { error: (error as Error).message });
  });
}
