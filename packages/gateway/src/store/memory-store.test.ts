import { describe, expect, it } from 'vitest';
import { describeStoreContract, makeTestEntry } from '../../test/support/store-contract';
import { createMemoryStore } from './memory-store';
import type { CacheEntry } from './store';

describeStoreContract('memory store', ({ now }) => createMemoryStore({ now }));

describe('memory store eviction', () => {
  it('evicts the least recently used entries, with their vectors, beyond its byte bound', async () => {
    // Three quarters of the budget are the store's: 1 MiB for entries, vectors and dep hashes.
    const store = createMemoryStore({ maxMemoryMb: 4 / 3 });
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
      tenantId: 't',
      entryKey: 'first',
      indexKey: 'idx',
      text: 'hello',
      vector: new Float32Array(384),
    });
    for (let index = 0; index < 4; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    // Reading `first` makes it the most recently used, so the next writes evict k0 first.
    expect(await store.getEntry('t', 'first')).toBeDefined();
    for (let index = 4; index < 8; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    expect(await store.getEntry('t', 'k0')).toBeUndefined();
    expect(await store.getEntry('t', 'k7')).toBeDefined();
    expect(await store.countEntries('t')).toBeLessThanOrEqual(5);
    for (let index = 8; index < 20; index += 1) await store.setEntry(entry(`k${index}`), 60_000);
    expect(await store.getEntry('t', 'first')).toBeUndefined();
    expect(await store.listVectors('t', 'idx')).toEqual([]);
    await store.close();
  });

  it('keeps an entry read between writes while colder entries are evicted around it', async () => {
    const store = createMemoryStore({ maxMemoryMb: 4 / 3 });
    const body = 'x'.repeat(100_000);
    const entry = (key: string): CacheEntry => ({
      ...makeTestEntry(key, 't', []),
      body,
    });
    await store.setEntry(entry('hot'), 60_000);
    for (let index = 0; index < 60; index += 1) {
      await store.setEntry(entry(`cold-${index}`), 60_000);
      expect(await store.getEntry('t', 'hot')).toBeDefined();
    }
    // About nine entries fit: the oldest cold ones went, the hot one never did.
    expect(await store.getEntry('t', 'cold-0')).toBeUndefined();
    expect(await store.getEntry('t', 'cold-59')).toBeDefined();
    expect(await store.countEntries('t')).toBeLessThanOrEqual(10);
    await store.close();
  });
});

describe('memory store dep hashes', () => {
  it('keeps a dep hash while an entry tagged with the dep can be served, then forgets it', async () => {
    let clock = 1_000_000;
    const store = createMemoryStore({ now: () => clock });
    await store.setDepHash('t', 'doc:1', 'v2');
    // A request that read the old hash before the invalidation writes its answer afterwards.
    await store.setEntry(makeTestEntry('late', 't', ['doc:1']), 3_600_000);
    clock += 3_000_000;
    expect(await store.getDepHashes('t', ['doc:1'])).toEqual(['v2']);
    clock += 700_000;
    expect(await store.getEntry('t', 'late')).toBeUndefined();
    expect(await store.getDepHashes('t', ['doc:1'])).toEqual([undefined]);
    expect(store.memory?.read().items.dep_hashes).toBe(0);
    await store.close();
  });

  it('counts dep hashes in its budget, evicting entries before the hashes they are checked against', async () => {
    const store = createMemoryStore({ maxMemoryMb: 1 });
    const budget = store.memory?.read().budgetBytes ?? 0;
    await store.setDepHash('t', 'doc:0', 'v2');
    await store.setEntry(makeTestEntry('stale', 't', ['doc:0']), 60_000);
    for (let index = 1; index <= 20_000; index += 1) {
      await store.setDepHash('t', `doc:${index}`, `hash-${index}`);
    }
    const reading = store.memory?.read();
    expect(reading?.bytes.dep_hashes).toBeLessThanOrEqual(budget);
    expect(reading?.items.dep_hashes).toBeLessThan(20_000);
    // The hash that rejects the stale entry was evicted only after the entry itself.
    expect(await store.getDepHashes('t', ['doc:0'])).toEqual([undefined]);
    expect(await store.getEntry('t', 'stale')).toBeUndefined();
    await store.close();
  });
});
