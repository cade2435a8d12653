import type { VectorRecord, VectorStore } from '../vector-store';
import { ADD_VECTOR_SCRIPT, REMOVE_VECTOR_SCRIPT } from './lua-scripts';
import type { RedisStoreContext } from './redis-store-context';
import { encodeVectorValues, packVector, unpackVector } from './vector-codec';

/**
 * L2 vectors in one Redis hash per index of a tenant (in the tenant's hash slot, with the entries
 * they are tied to); changes go out through the feed.
 */
export function createRedisVectorStore({
  connection,
  keys,
  feed,
  subscribeWaitMs,
}: RedisStoreContext): VectorStore {
  const { run, runScript, client } = connection;
  return {
    async addVector(record) {
      const reply = await run('addVector', () =>
        runScript(
          ADD_VECTOR_SCRIPT,
          [
            keys.entry(record.tenantId, record.entryKey),
            keys.vectors(record.tenantId, record.indexKey),
          ],
          [
            record.id,
            packVector(record),
            record.indexKey,
            record.entryKey,
            record.text,
            encodeVectorValues(record.vector),
            keys.changesChannel,
            feed.origin,
            record.tenantId,
          ],
        ),
      );
      if (!Array.isArray(reply) || Number(reply[0]) !== 1) return;
      feed.emitRemoved(record.tenantId, reply, 2);
      feed.emit({ type: 'vector-added', record: withRemainingTtl(record, Number(reply[1])) });
    },

    async removeVector(tenantId, indexKey, id) {
      const removed = await run('removeVector', async () =>
        Number(
          await runScript(
            REMOVE_VECTOR_SCRIPT,
            [keys.vectors(tenantId, indexKey)],
            [id, indexKey, keys.changesChannel, feed.origin, tenantId],
          ),
        ),
      );
      if (removed !== 1) return false;
      feed.emit({ type: 'vector-removed', tenantId, indexKey, id });
      return true;
    },

    async listVectors(tenantId, indexKey) {
      // Changes made after this snapshot must reach the index built from it: let a fresh
      // subscription become active first (bounded, so a slow one never blocks the lookup).
      await feed.settle(subscribeWaitMs);
      return run('listVectors', async () => {
        const vectorsKey = keys.vectors(tenantId, indexKey);
        const packed = await client.hgetallBuffer(vectorsKey);
        const records: VectorRecord[] = [];
        for (const [id, bytes] of Object.entries(packed)) {
          const record = unpackVector(id, tenantId, indexKey, bytes);
          if (record) records.push(record);
        }
        if (records.length === 0) return records;
        // A vector lives only as long as its entry; entries that expired leave theirs behind.
        // The entries are the tenant's, in the slot of the index: one pipeline, one node.
        const pipeline = client.pipeline();
        for (const record of records) pipeline.pttl(keys.entry(tenantId, record.entryKey));
        const ttls = ((await pipeline.exec()) ?? []).map(([, ttl]) => Number(ttl ?? -2));
        const live = records
          .map((record, index) => withRemainingTtl(record, ttls[index] ?? -1))
          .filter((_, index) => ttls[index] !== -2);
        const dead = records.filter((_, index) => ttls[index] === -2).map((record) => record.id);
        if (dead.length > 0) void client.hdel(vectorsKey, ...dead).catch(() => {});
        return live;
      });
    },

    subscribe: (listener) => feed.subscribe(listener),
  };
}

/** The record with the expiry of its entry, from the entry's `PTTL` (negative: none known). */
function withRemainingTtl(record: VectorRecord, remainingMs: number): VectorRecord {
  return remainingMs >= 0 ? { ...record, expiresAt: Date.now() + remainingMs } : record;
}
