import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../test/support/store-contract';
import { createMemoryStore } from './memory-store';
import type { CacheEntry } from './store';

describeStoreContract('memory store', ({ now }) => createMemoryStore({ now }));

describe('memory store eviction', () => {
  it('evicts the least recently used entries, with their vectors, beyond its byte bound', async () => {
    const store = createMemoryStore({ maxMemoryMb: 1 });
    const body = 'x'.repeat(100_000);
    const entry = (key: string): CacheEntry => ({
      key,
      tenantId: 't',
      namespace: 'ns',
      model: 'm',
      body,
      createdAt: 0,
      freshUntil: Number.MAX_SAFE_INTEGER,
      expiresAt: Number.MAX_SAFE_INTEGER,
      deps: [],
      totalTokens: 1,
    });
    await store.setEntry(entry('first'), 60_000);
    await store.addVector({
      id: 'first',
      entryKey: 'first',
      indexKey: 'idx',
      text: 'hello',
      vector: new Float32Array(384),
    });
    for (let index = 0; index < 4; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    // Reading `first` makes it the most recently used, so the next writes evict k0 first.
    expect(await store.getEntry('first')).toBeDefined();
    for (let index = 4; index < 8; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    expect(await store.getEntry('k0')).toBeUndefined();
    expect(await store.getEntry('k7')).toBeDefined();
    expect(await store.countEntries('t')).toBeLessThanOrEqual(5);
    for (let index = 8; index < 20; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    expect(await store.getEntry('first')).toBeUndefined();
    expect(await store.listVectors('idx')).toEqual([]);
    await store.close();
  });
});
