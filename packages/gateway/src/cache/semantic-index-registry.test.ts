import { describe, expect, it } from 'vitest';
import { makeTestEntry } from '../../test/support/store-contract';
import { createVectorIndex } from '../semantic/vector-index';
import { createMemoryStore } from '../store/memory-store';
import type { Store } from '../store/store';
import { SemanticIndexRegistry } from './semantic-index-registry';

const DIMENSIONS = 8;
const TENANT = 'tenant-a';

async function storeVector(
  store: Store,
  key: string,
  indexKey: string,
  ttlMs = 60_000,
  tenantId = TENANT,
) {
  await store.setEntry(makeTestEntry(key, tenantId, [], { indexKey }), ttlMs);
  const vector = new Float32Array(DIMENSIONS);
  vector[key.length % DIMENSIONS] = 1;
  await store.addVector({
    id: key,
    tenantId,
    entryKey: key,
    indexKey,
    text: `prompt ${key}`,
    vector,
  });
}

function createRegistry(store: Store, options: { maxBytes?: number; now?: () => number } = {}) {
  return new SemanticIndexRegistry(store, () => createVectorIndex(DIMENSIONS), options);
}

describe('semantic index registry', () => {
  it('keeps nothing for a context that has no vectors in the store', async () => {
    const store = createMemoryStore();
    const registry = createRegistry(store);
    for (let index = 0; index < 100; index += 1) {
      expect((await registry.get(TENANT, `empty-${index}`)).index.size).toBe(0);
    }
    expect(registry.has(TENANT, 'empty-0')).toBe(false);
    expect(registry.readMemory()).toMatchObject({
      bytes: { l2_indexes: 0 },
      items: { l2_indexes: 0, l2_records: 0 },
    });
    registry.close();
  });

  it('keeps the most recently used indexes within its byte budget and reloads dropped ones', async () => {
    const store = createMemoryStore();
    const one = createRegistry(store);
    await storeVector(store, 'k0', 'ctx-0');
    await one.get(TENANT, 'ctx-0');
    const bytesPerIndex = one.readMemory().bytes.l2_indexes ?? 0;
    one.close();

    const registry = createRegistry(store, { maxBytes: bytesPerIndex * 3.5 });
    for (let index = 1; index < 10; index += 1)
      await storeVector(store, `k${index}`, `ctx-${index}`);
    for (let index = 0; index < 10; index += 1) await registry.get(TENANT, `ctx-${index}`);
    // Using ctx-7 again makes ctx-8 the least recently used, so loading ctx-0 drops ctx-8.
    await registry.get(TENANT, 'ctx-7');
    await registry.get(TENANT, 'ctx-0');
    const reading = registry.readMemory();
    expect(reading.items.l2_indexes).toBe(3);
    expect(reading.bytes.l2_indexes).toBeLessThanOrEqual(reading.budgetBytes);
    expect(['ctx-9', 'ctx-7', 'ctx-0'].every((key) => registry.has(TENANT, key))).toBe(true);
    expect(registry.has(TENANT, 'ctx-8')).toBe(false);
    // A dropped index is not lost: it loads again from the store.
    expect([...(await registry.get(TENANT, 'ctx-3')).records.keys()]).toEqual(['k3']);
    registry.close();
  });

  it('drops records whose entries expired, and the index with its last record', async () => {
    let clock = 1_000_000;
    const store = createMemoryStore({ now: () => clock });
    // Records carry real-clock expiries: the registry's clock moves with the store's.
    const registry = createRegistry(store, { now: () => Date.now() + (clock - 1_000_000) });
    await storeVector(store, 'short', 'ctx', 1_000);
    await storeVector(store, 'long', 'ctx', 60_000);
    expect([...(await registry.get(TENANT, 'ctx')).records.keys()].sort()).toEqual([
      'long',
      'short',
    ]);
    clock += 2_000;
    expect([...(await registry.get(TENANT, 'ctx')).records.keys()]).toEqual(['long']);
    await store.deleteEntry(TENANT, 'long');
    expect(registry.has(TENANT, 'ctx')).toBe(false);
    expect(registry.readMemory().items).toEqual({ l2_indexes: 0, l2_records: 0 });
    registry.close();
  });

  it('follows vectors added and removed after an index was loaded', async () => {
    const store = createMemoryStore();
    const registry = createRegistry(store);
    await storeVector(store, 'k1', 'ctx');
    await registry.get(TENANT, 'ctx');
    await storeVector(store, 'k22', 'ctx');
    expect([...(await registry.get(TENANT, 'ctx')).records.keys()].sort()).toEqual(['k1', 'k22']);
    expect(registry.readMemory().items.l2_records).toBe(2);
    await store.removeVector(TENANT, 'ctx', 'k1');
    expect([...(await registry.get(TENANT, 'ctx')).records.keys()]).toEqual(['k22']);
    registry.close();
  });

  it("keeps two tenants' indexes apart even under the same index key", async () => {
    const store = createMemoryStore();
    const registry = createRegistry(store);
    await storeVector(store, 'k1', 'ctx', 60_000, 'tenant-a');
    await storeVector(store, 'k2', 'ctx', 60_000, 'tenant-b');
    expect([...(await registry.get('tenant-a', 'ctx')).records.keys()]).toEqual(['k1']);
    expect([...(await registry.get('tenant-b', 'ctx')).records.keys()]).toEqual(['k2']);
    await storeVector(store, 'k3', 'ctx', 60_000, 'tenant-b');
    await store.deleteEntry('tenant-b', 'k2');
    expect([...(await registry.get('tenant-a', 'ctx')).records.keys()]).toEqual(['k1']);
    expect([...(await registry.get('tenant-b', 'ctx')).records.keys()]).toEqual(['k3']);
    expect(registry.has('tenant-c', 'ctx')).toBe(false);
    registry.close();
  });
});
