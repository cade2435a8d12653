import { randomUUID } from 'node:crypto';
import type { CoordinationStore } from '../coordination-store';
import { INCREMENT_WINDOW_SCRIPT, RELEASE_LOCK_SCRIPT, RENEW_LOCK_SCRIPT } from './lua-scripts';
import type { RedisStoreContext } from './redis-store-context';

/** Rate-limit windows on the Redis server's clock and single-flight locks with `SET NX PX`. */
export function createRedisCoordinationStore({
  connection,
  keys,
}: RedisStoreContext): CoordinationStore {
  const { run, runScript, client } = connection;
  return {
    async incrementWindow(key, windowMs) {
      const reply = await run('incrementWindow', () =>
        runScript(
          INCREMENT_WINDOW_SCRIPT,
          [keys.rateWindow(key)],
          [Math.max(1, Math.ceil(windowMs))],
        ),
      );
      const [count, resetAt] = Array.isArray(reply) ? reply : [];
      return { count: Number(count), resetAt: Number(resetAt) };
    },

    async acquireLock(key, ttlMs) {
      const owner = randomUUID();
      const taken = await run('acquireLock', () =>
        client.set(keys.lock(key), owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
      );
      return taken === 'OK' ? owner : null;
    },

    async releaseLock(key, owner) {
      try {
        await run('releaseLock', () => runScript(RELEASE_LOCK_SCRIPT, [keys.lock(key)], [owner]));
      } catch {
        // Reported through onError; the lock expires by itself, so there is nothing to undo.
      }
    },

    async renewLock(key, owner, ttlMs) {
      const renewed = await run('renewLock', () =>
        runScript(RENEW_LOCK_SCRIPT, [keys.lock(key)], [owner, Math.max(1, Math.ceil(ttlMs))]),
      );
      return Number(renewed) === 1;
    },
  };
}
