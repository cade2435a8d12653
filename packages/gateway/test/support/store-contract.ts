import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry, Store, StoreChange, VectorRecord } from '../../src/store/store';

/**
 * Context given to the store factory of {@link describeStoreContract}: the clock the store must use
 * for TTLs and windows, so the suite can move time without sleeping. Stores that rely on a server's
 * clock (Redis) may ignore it; tests that need it then use real, short waits via `sleep`.
 */
export interface StoreContractContext {
  now: () => number;
}

/** Options of {@link describeStoreContract}. */
export interface StoreContractOptions {
  /** Whether the store honours the injected clock for TTLs; otherwise expiry is tested with real waits. @default true */
  usesInjectedClock?: boolean;
}

/**
 * The behaviour every `Store` must have, as a vitest suite. Run it for each implementation:
 *
 * @example
 * describeStoreContract('memory store', ({ now }) => createMemoryStore({ now }));
 */
export function describeStoreContract(
  name: string,
  createStore: (context: StoreContractContext) => Store | Promise<Store>,
  options: StoreContractOptions = {},
): void {
  const usesInjectedClock = options.usesInjectedClock ?? true;

  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let clock = Date.now();
    const advance = async (ms: number) => {
      if (usesInjectedClock) clock += ms;
      else await new Promise((resolve) => setTimeout(resolve, ms));
    };

    beforeEach(async () => {
      clock = Date.now();
      store = await createStore({ now: () => (usesInjectedClock ? clock : Date.now()) });
    });

    afterEach(async () => {
      await store.close();
    });

    it('reads back an entry exactly as written, and deletes it', async () => {
      const entry = makeTestEntry('k1', 'tenant-a');
      await store.setEntry(entry, 60_000);
      expect(await store.getEntry('tenant-a', 'k1')).toEqual(entry);
      expect(await store.getEntry('tenant-a', 'missing')).toBeUndefined();
      expect(await store.deleteEntry('tenant-a', 'k1')).toBe(true);
      expect(await store.deleteEntry('tenant-a', 'k1')).toBe(false);
      expect(await store.getEntry('tenant-a', 'k1')).toBeUndefined();
    });

    it("keeps each tenant's entries and vectors under its own keys", async () => {
      const ofA = makeTestEntry('k1', 'tenant-a', [], { body: 'answer of a' });
      const ofB = makeTestEntry('k1', 'tenant-b', [], { body: 'answer of b' });
      await store.setEntry(ofA, 60_000);
      await store.setEntry(ofB, 60_000);
      expect(await store.getEntry('tenant-a', 'k1')).toEqual(ofA);
      expect(await store.getEntry('tenant-b', 'k1')).toEqual(ofB);
      expect(await store.getEntry('tenant-c', 'k1')).toBeUndefined();
      await store.addVector(makeTestVector('k1', 'index-1', [1, 0, 0], 'tenant-a'));
      expect(await store.listVectors('tenant-b', 'index-1')).toEqual([]);
      expect(await store.removeVector('tenant-b', 'index-1', 'k1')).toBe(false);
      expect(await store.listVectors('tenant-a', 'index-1')).toHaveLength(1);

      expect(await store.deleteEntry('tenant-b', 'k1')).toBe(true);
      expect(await store.getEntry('tenant-a', 'k1')).toEqual(ofA);
      expect(await store.listVectors('tenant-a', 'index-1')).toHaveLength(1);
      expect(await store.countEntries('tenant-a')).toBe(1);
    });

    it('forgets an entry once its TTL has passed', async () => {
      await store.setEntry(makeTestEntry('short', 'tenant-a'), 200);
      expect(await store.getEntry('tenant-a', 'short')).toBeDefined();
      await advance(1_100);
      expect(await store.getEntry('tenant-a', 'short')).toBeUndefined();
    });

    it('counts and flushes entries per tenant without touching other tenants', async () => {
      await store.setEntry(makeTestEntry('a1', 'tenant-a'), 60_000);
      await store.setEntry(makeTestEntry('a2', 'tenant-a'), 60_000);
      await store.setEntry(makeTestEntry('b1', 'tenant-b'), 60_000);
      expect(await store.countEntries('tenant-a')).toBe(2);
      expect(await store.flushTenant('tenant-a')).toBe(2);
      expect(await store.countEntries('tenant-a')).toBe(0);
      expect(await store.getEntry('tenant-b', 'b1')).toBeDefined();
    });

    it('indexes entries by dep per tenant and hands the keys out once', async () => {
      await store.setEntry(makeTestEntry('a1', 'tenant-a', ['doc:1']), 60_000);
      await store.setEntry(makeTestEntry('a2', 'tenant-a', ['doc:1', 'doc:2']), 60_000);
      await store.setEntry(makeTestEntry('b1', 'tenant-b', ['doc:1']), 60_000);
      expect((await store.takeDepKeys('tenant-a', 'doc:1')).sort()).toEqual(['a1', 'a2']);
      expect(await store.takeDepKeys('tenant-a', 'doc:1')).toEqual([]);
      expect(await store.takeDepKeys('tenant-b', 'doc:1')).toEqual(['b1']);
    });

    it('keeps current dep hashes per tenant', async () => {
      expect(await store.getDepHashes('tenant-a', ['doc:1', 'doc:2'])).toEqual([
        undefined,
        undefined,
      ]);
      await store.setDepHash('tenant-a', 'doc:1', 'v2');
      expect(await store.getDepHashes('tenant-a', ['doc:1', 'doc:2'])).toEqual(['v2', undefined]);
      expect(await store.getDepHashes('tenant-b', ['doc:1'])).toEqual([undefined]);
    });

    it('looks an entry up in one step: fresh, then stale, counted, and never with outdated deps', async () => {
      const written = Date.now();
      const entry = makeTestEntry('k1', 'tenant-a', ['doc:1'], {
        freshUntil: written + 1_000,
        expiresAt: written + 2_000,
        totalTokens: 12,
      });
      await store.setEntry(entry, 60_000);
      const deps = entry.deps;
      const lookup = (now: number, requestDeps = deps, key = 'k1') =>
        store.lookupEntry({ key, tenantId: 'tenant-a', deps: requestDeps, now });
      expect(await lookup(written)).toEqual({
        depsCurrent: true,
        hit: { entry, freshness: 'fresh' },
      });
      expect(await lookup(written + 1_500)).toEqual({
        depsCurrent: true,
        hit: { entry, freshness: 'stale' },
      });
      expect(await lookup(written + 2_000)).toEqual({ depsCurrent: true });
      expect(await lookup(written, deps, 'missing')).toEqual({ depsCurrent: true });
      // Another client's idea of doc:1 (no invalidation yet): current for it, but not this entry.
      const otherVersion = [deps[0]!, { depId: 'doc:1', expectedHash: 'v0' }];
      expect(await lookup(written, otherVersion)).toEqual({ depsCurrent: true });
      // A request naming no deps is served the entry while its deps are current…
      expect(await lookup(written, [])).toEqual({
        depsCurrent: true,
        hit: { entry, freshness: 'fresh' },
      });
      const stats = await store.readStats();
      expect(stats['tenant-a']).toEqual({ hits_l1: 2, hits_l1_stale: 1, tokens_saved: 36 });

      await store.setDepHash('tenant-a', 'doc:1', 'v2');
      expect(await lookup(written)).toEqual({ depsCurrent: false });
      const current = [deps[0]!, { depId: 'doc:1', expectedHash: 'v2' }];
      // The request is current, but the entry was written for v1.
      expect(await lookup(written, current)).toEqual({ depsCurrent: true });
      // …and never once one moved on, even while the entry itself is still stored (an
      // invalidation whose removals had not run yet, or an instance that died between the two).
      expect(await lookup(written, [])).toEqual({ depsCurrent: true });
      expect(await store.getEntry('tenant-a', 'k1')).toEqual(entry);
      expect((await store.readStats())['tenant-a']).toEqual(stats['tenant-a']);
    });

    it('keeps tenants and deps apart whatever characters their ids hold', async () => {
      // Pairs whose tenant + dep would meet if the two were joined with a separator or escaped
      // carelessly: NUL (the old memory-store join), ':' and '%' (the Redis key syntax), '{' and
      // '}' (Redis hash tags).
      const pairs: Array<[[string, string], [string, string]]> = [
        [
          ['x', 'y\u0000D'],
          ['x\u0000y', 'D'],
        ],
        [
          ['x', 'y:D'],
          ['x:y', 'D'],
        ],
        [
          ['x%3Ay', 'D'],
          ['x:y', 'D'],
        ],
        // Braces: the Redis hash tag of a tenant must neither end early nor start another.
        [
          ['x}', 'y'],
          ['x', '}y'],
        ],
        [
          ['{x}', 'D'],
          ['x', 'D'],
        ],
        [
          ['a}b', 'D'],
          ['a', 'D'],
        ],
      ];
      for (const [[tenantA, depA], [tenantB, depB]] of pairs) {
        await store.setEntry(makeTestEntry(`a-${tenantA}-${depA}`, tenantA, [depA]), 60_000);
        await store.setEntry(makeTestEntry(`b-${tenantB}-${depB}`, tenantB, [depB]), 60_000);
        await store.setDepHash(tenantA, depA, 'v2');
        expect(await store.takeDepKeys(tenantA, depA)).toEqual([`a-${tenantA}-${depA}`]);
        expect(await store.getDepHashes(tenantB, [depB])).toEqual([undefined]);
        expect(await store.takeDepKeys(tenantB, depB)).toEqual([`b-${tenantB}-${depB}`]);
      }
    });

    it('serves tenants whose ids hold braces, colons or nothing like any other', async () => {
      const tenants = ['a}b', '{x}', 'a:b', '{', ''];
      for (const tenantId of tenants) {
        const entry = makeTestEntry('k1', tenantId, ['doc:1']);
        await store.setEntry(entry, 60_000);
        await store.addVector(makeTestVector('k1', 'index-1', [1, 0, 0], tenantId));
        expect(
          await store.lookupEntry({ key: 'k1', tenantId, deps: entry.deps, now: Date.now() }),
        ).toEqual({ depsCurrent: true, hit: { entry, freshness: 'fresh' } });
        expect(await store.listVectors(tenantId, 'index-1')).toHaveLength(1);
        expect(await store.countEntries(tenantId)).toBe(1);
        expect((await store.incrementWindow(`rl:tenant:${tenantId}`, 60_000)).count).toBe(1);
        expect(await store.takeDepKeys(tenantId, 'doc:1')).toEqual(['k1']);
        expect(await store.flushTenant(tenantId)).toBe(1);
        expect(await store.getEntry(tenantId, 'k1')).toBeUndefined();
      }
      const stats = await store.readStats();
      for (const tenantId of tenants) {
        expect(stats[tenantId], tenantId).toEqual({ hits_l1: 1, tokens_saved: 12 });
      }
    });

    it('stores vectors with their entry, lists them per index and notifies subscribers', async () => {
      const changes: StoreChange[] = [];
      const unsubscribe = store.subscribe((change) => changes.push(change));
      await store.setEntry(makeTestEntry('a1', 'tenant-a'), 60_000);
      const record = makeTestVector('a1', 'index-1', [1, 0, 0]);
      await store.addVector(record);
      const listed = await store.listVectors('tenant-a', 'index-1');
      expect(listed).toHaveLength(1);
      expect(listed[0]?.text).toBe(record.text);
      expect([...(listed[0]?.vector ?? [])]).toEqual([1, 0, 0]);
      // Listed records carry their entry's expiry, so in-process indexes can drop them in time.
      expect(listed[0]?.expiresAt).toBeGreaterThan(Date.now() + 50_000);
      expect(listed[0]?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(await store.listVectors('tenant-a', 'index-2')).toEqual([]);

      await store.deleteEntry('tenant-a', 'a1');
      expect(await store.listVectors('tenant-a', 'index-1')).toEqual([]);
      await waitFor(() => changes.some((change) => change.type === 'vector-removed'));
      expect(changes.map((change) => change.type)).toEqual(['vector-added', 'vector-removed']);
      unsubscribe();
    });

    it('ignores a vector whose entry does not exist', async () => {
      await store.addVector(makeTestVector('ghost', 'index-1', [0, 1, 0]));
      expect(await store.listVectors('tenant-a', 'index-1')).toEqual([]);
    });

    it('removes a single vector but keeps its entry', async () => {
      await store.setEntry(makeTestEntry('a1', 'tenant-a'), 60_000);
      await store.addVector(makeTestVector('a1', 'index-1', [1, 0, 0]));
      expect(await store.removeVector('tenant-a', 'index-1', 'a1')).toBe(true);
      expect(await store.listVectors('tenant-a', 'index-1')).toEqual([]);
      expect(await store.getEntry('tenant-a', 'a1')).toBeDefined();
    });

    it('counts rate-limit windows and resets them when the window is over', async () => {
      const first = await store.incrementWindow('rl:test', 1_000);
      const second = await store.incrementWindow('rl:test', 1_000);
      expect(first.count).toBe(1);
      expect(second.count).toBe(2);
      expect(second.resetAt).toBeGreaterThan(Date.now() - 5_000);
      await advance(1_100);
      expect((await store.incrementWindow('rl:test', 1_000)).count).toBe(1);
    });

    it('grants a lock to one holder at a time and frees it on release or expiry', async () => {
      const owner = await store.acquireLock('lock:1', 10_000);
      expect(owner).toBeTypeOf('string');
      expect(await store.acquireLock('lock:1', 10_000)).toBeNull();
      await store.releaseLock('lock:1', 'someone-else');
      expect(await store.acquireLock('lock:1', 10_000)).toBeNull();
      await store.releaseLock('lock:1', owner!);
      const second = await store.acquireLock('lock:1', 200);
      expect(second).toBeTypeOf('string');
      await advance(1_100);
      expect(await store.acquireLock('lock:1', 10_000)).toBeTypeOf('string');
    });

    it('renews a lock only for its holder, and not once it expired', async () => {
      if (!store.renewLock) return;
      const owner = await store.acquireLock('lease:1', 1_000);
      expect(await store.renewLock('lease:1', 'someone-else', 5_000)).toBe(false);
      expect(await store.renewLock('lease:1', owner!, 5_000)).toBe(true);
      await advance(1_100);
      // Renewed past its first lease: still held.
      expect(await store.acquireLock('lease:1', 1_000)).toBeNull();
      await store.releaseLock('lease:1', owner!);
      expect(await store.renewLock('lease:1', owner!, 5_000)).toBe(false);
    });

    it('adds up statistics per scope', async () => {
      await store.incrementStat('tenant-a', 'hits_l1');
      await store.incrementStat('tenant-a', 'hits_l1');
      await store.incrementStat('tenant-a', 'tokens_saved', 40);
      await store.incrementStat('tenant-b', 'misses');
      const stats = await store.readStats();
      expect(stats['tenant-a']).toMatchObject({ hits_l1: 2, tokens_saved: 40 });
      expect(stats['tenant-b']).toMatchObject({ misses: 1 });
    });
  });
}

/** A cache entry for store tests: tagged with `cc:policy-version` and `depIds` (hash `v1`). */
export function makeTestEntry(
  key: string,
  tenantId: string,
  depIds: string[] = [],
  overrides: Partial<CacheEntry> = {},
): CacheEntry {
  const now = Date.now();
  return {
    key,
    tenantId,
    namespace: `ns-${tenantId}`,
    model: 'gpt-4o-mini',
    body: JSON.stringify({ id: key, object: 'chat.completion', choices: [] }),
    createdAt: now,
    freshUntil: now + 3_000_000,
    expiresAt: now + 3_600_000,
    deps: [
      { depId: 'cc:policy-version', expectedHash: '0' },
      ...depIds.map((depId) => ({ depId, expectedHash: 'v1' })),
    ],
    totalTokens: 12,
    ...overrides,
  };
}

/** An L2 vector for store tests, pointing at the entry `entryKey` of `tenantId`. */
export function makeTestVector(
  entryKey: string,
  indexKey: string,
  values: number[],
  tenantId = 'tenant-a',
): VectorRecord {
  return {
    id: entryKey,
    tenantId,
    entryKey,
    indexKey,
    text: `prompt of ${entryKey}`,
    vector: Float32Array.from(values),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
