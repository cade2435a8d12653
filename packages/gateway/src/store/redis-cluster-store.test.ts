import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  checkRedisClusterBinaries,
  useTestRedisCluster,
} from '../../test/support/redis-cluster-test-support';
import {
  createTestPrefix,
  disposable,
  listKeysWithPrefix,
  recordingLogger,
  sleep,
  waitFor,
} from '../../test/support/redis-test-support';
import {
  describeStoreContract,
  makeTestEntry,
  makeTestVector,
} from '../../test/support/store-contract';
import { SemanticIndexRegistry } from '../cache/semantic-index-registry';
import { createVectorIndex } from '../semantic/vector-index';
import { keySlot } from './redis/key-slot';
import { LOOKUP_ENTRY_SCRIPT } from './redis/lua-scripts';
import { hashTag } from './redis/redis-keys';
import { RedisStoreError } from './redis/redis-store-error';
import { createRedisStore, type RedisStore, type RedisStoreOptions } from './redis-store';
import type { StoreChange } from './store';

const clusterAvailable = checkRedisClusterBinaries();

/** Tenants whose keys spread over the three masters, ids with braces and colons among them. */
const TENANTS = ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d', 'tenant-e', 'a}b', '{x}', 'a:b'];

describe.skipIf(!clusterAvailable)('redis store on a Redis Cluster', () => {
  const cluster = useTestRedisCluster();

  /** A store on the test cluster under a fresh prefix (the cluster goes away with the file). */
  function createClusterStore(overrides: Partial<RedisStoreOptions> = {}): RedisStore {
    return createRedisStore({
      url: cluster.current.url,
      prefix: createTestPrefix('cluster'),
      ...overrides,
    });
  }

  /**
   * A writing store and a listening one under one fresh prefix; the listener's connections carry
   * `connectionName`, to find them among a node's clients.
   */
  function createWriterAndListener(label: string) {
    const prefix = createTestPrefix(`cluster-${label}`);
    const connectionName = `cc-${label}-${process.pid}-${Date.now()}`;
    return {
      connectionName,
      writer: disposable(createClusterStore({ prefix })),
      listener: disposable(createClusterStore({ prefix, redisOptions: { connectionName } })),
    };
  }

  /** Every key under `prefix`, by the index of the master that holds it. */
  async function keysByMaster(prefix: string): Promise<string[][]> {
    return Promise.all(
      cluster.current.nodes.map((_, index) =>
        listKeysWithPrefix(cluster.current.node(index), prefix),
      ),
    );
  }

  /** Writes an entry (tagged with a dep), its vector, a counter and a dep hash for each tenant. */
  async function fillTenants(store: RedisStore, tenants: readonly string[]): Promise<void> {
    for (const tenantId of tenants) {
      const entry = makeTestEntry('k1', tenantId, ['doc:1'], { indexKey: 'index-1' });
      await store.setEntry(entry, 60_000);
      await store.addVector(makeTestVector('k1', 'index-1', [1, 0, 0], tenantId));
      await store.lookupEntry({ key: 'k1', tenantId, deps: entry.deps, now: Date.now() });
      await store.setDepHash(tenantId, 'doc:2', 'v1');
    }
  }

  describeStoreContract(
    'redis cluster',
    async () => {
      const store = createClusterStore();
      await store.waitUntilReady();
      return store;
    },
    { usesInjectedClock: false },
  );

  it("keeps each tenant's keys in one slot, and spreads tenants over the masters", async () => {
    await using store = disposable(createClusterStore());
    await fillTenants(store, TENANTS);
    const byMaster = await keysByMaster(store.prefix);
    const inspector = cluster.current.node(0);
    const mastersOfTenants = new Set<number>();
    for (const tenantId of TENANTS) {
      const tag = hashTag(tenantId);
      const masters = byMaster
        .map((keys, index) => ({
          index,
          keys: keys.filter((key) => tagOf(store.prefix, key) === tag),
        }))
        .filter(({ keys }) => keys.length > 0);
      // Entry, key set, two dep sets, dep hashes, vectors, statistics: all on one master…
      expect(
        masters.map(({ keys }) => keys.length),
        tenantId,
      ).toEqual([7]);
      const [{ index, keys } = { index: -1, keys: [] }] = masters;
      mastersOfTenants.add(index);
      // …and in one slot.
      const slots = await Promise.all(keys.map((key) => inspector.cluster('KEYSLOT', key)));
      expect(new Set(slots).size, tenantId).toBe(1);
    }
    // These tenants happen to cover all three masters.
    expect(mastersOfTenants.size).toBe(3);
    // The scopes set lives in a slot of its own, on whichever master owns it.
    expect(byMaster.flat()).toContain(`${store.prefix}stats:scopes`);
    expect(Object.keys(await store.readStats()).sort()).toEqual([...TENANTS].sort());
  });

  it('sends each lookup to its master over a connection of its own, in the slot Redis computes', async () => {
    await using store = disposable(createClusterStore());
    await fillTenants(store, TENANTS);
    const inspector = cluster.current.node(0);
    for (const key of (await keysByMaster(store.prefix)).flat()) {
      expect(keySlot(key), key).toBe(await inspector.cluster('KEYSLOT', key));
    }
    // Connections come up on first use: one round of lookups, then the watched one.
    const lookupAll = () =>
      Promise.all(
        TENANTS.map((tenantId) =>
          store.lookupEntry({
            key: 'k1',
            tenantId,
            deps: makeTestEntry('k1', tenantId, ['doc:1']).deps,
            now: Date.now(),
          }),
        ),
      );
    await lookupAll();
    await sleep(200);
    const monitors = await Promise.all(
      cluster.current.nodes.map((_, index) => cluster.current.node(index).monitor()),
    );
    let phase: 'lookups' | 'others' = 'lookups';
    const sources = { lookups: new Set<string>(), others: new Set<string>() };
    const lookupCommands = new Set<string>();
    for (const monitor of monitors) {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source === 'lua') return;
        sources[phase].add(source);
        if (phase === 'lookups') lookupCommands.add(String(args[0]).toLowerCase());
      });
    }
    const results = await lookupAll();
    await sleep(200);
    phase = 'others';
    await Promise.all(TENANTS.map((tenantId) => store.getEntry(tenantId, 'k1')));
    await sleep(200);
    for (const monitor of monitors) monitor.disconnect();
    expect(results.map((result) => result.hit?.freshness)).toEqual(TENANTS.map(() => 'fresh'));
    // Held entries: read and counted without a script.
    expect([...lookupCommands].sort()).toEqual(['hincrby', 'hmget']);
    // Three masters: lookups from three connections, none of them the main client's.
    expect([...sources.lookups]).toHaveLength(3);
    expect([...sources.lookups].filter((source) => sources.others.has(source))).toEqual([]);
  });

  it('answers from the master a slot moved to, from a held copy too, and sees an invalidation made after the move', async () => {
    await using store = disposable(createClusterStore());
    const tenantId = 'tenant-moving';
    const entry = makeTestEntry('k1', tenantId, ['doc:1'], { body: 'before the move' });
    await store.setEntry(entry, 60_000);
    const lookup = () =>
      store.lookupEntry({ key: 'k1', tenantId, deps: entry.deps, now: Date.now() });
    expect((await lookup()).hit?.freshness).toBe('fresh');

    // Every key of the tenant is in one slot, on one master: move that slot to another master.
    const byMaster = await keysByMaster(store.prefix);
    const from = byMaster.findIndex((keys) => keys.some((key) => key.includes(hashTag(tenantId))));
    const moved = byMaster[from]?.filter((key) => key.includes(hashTag(tenantId))) ?? [];
    expect(moved.length).toBeGreaterThan(1);
    const slot = keySlot(moved[0] as string);
    const to = (from + 1) % cluster.current.nodes.length;
    const source = cluster.current.node(from);
    const target = cluster.current.node(to);
    const [sourceId, targetId] = await Promise.all([
      source.cluster('MYID') as Promise<string>,
      target.cluster('MYID') as Promise<string>,
    ]);
    await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
    await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
    const { host, port } = cluster.current.nodes[to] as { host: string; port: number };
    await source.call('MIGRATE', host, port, '', 0, 5000, 'KEYS', ...moved);
    for (const index of cluster.current.nodes.keys()) {
      await cluster.current.node(index).cluster('SETSLOT', slot, 'NODE', targetId);
    }
    expect(await listKeysWithPrefix(target, store.prefix)).toEqual(expect.arrayContaining(moved));

    // The store still sends the lookup to the old master first: MOVED, then the new one answers.
    for (let round = 0; round < 3; round++) {
      const after = await lookup();
      expect(after.hit?.entry.body).toBe('before the move');
      expect(after.hit?.freshness).toBe('fresh');
    }
    await store.setDepHash(tenantId, 'doc:1', 'v2');
    expect((await lookup()).hit).toBeUndefined();
    expect((await store.readStats())[tenantId]).toMatchObject({ hits_l1: 4 });
  });

  it('runs its scripts on every master, loading them where a node does not know them yet', async () => {
    await using store = disposable(createClusterStore());
    for (const index of cluster.current.nodes.keys()) {
      await cluster.current.node(index).script('FLUSH');
    }
    await fillTenants(store, TENANTS);
    for (const index of cluster.current.nodes.keys()) {
      const known = await cluster.current.node(index).script('EXISTS', LOOKUP_ENTRY_SCRIPT.sha1);
      expect(known, `node ${index}`).toEqual([1]);
    }
  });

  it('delivers changes published by scripts on every master to a subscriber connected to one', async () => {
    const pair = createWriterAndListener('feed');
    await using writer = pair.writer;
    await using reader = pair.listener;
    const { connectionName } = pair;
    const seen: StoreChange[] = [];
    reader.subscribe((change) => seen.push(change));
    expect(await reader.waitUntilReady()).toBe(true);
    const subscribedOn = await findPubsubClient(cluster.current.nodes.length, connectionName);
    expect(subscribedOn).toHaveLength(1);

    await fillTenants(writer, TENANTS);
    const byMaster = await keysByMaster(writer.prefix);
    const publishingMasters = byMaster
      .map((keys, index) => ({ index, holds: keys.some((key) => key.includes(':vec:')) }))
      .filter(({ holds }) => holds)
      .map(({ index }) => index);
    // Scripts published on other masters than the one the reader listens to.
    expect(
      publishingMasters.filter((index) => index !== subscribedOn[0]?.node).length,
    ).toBeGreaterThan(0);
    await waitFor(() => seen.length >= TENANTS.length);
    const added = seen.flatMap((change) => (change.type === 'vector-added' ? [change.record] : []));
    expect(added.map((record) => record.tenantId).sort()).toEqual([...TENANTS].sort());
  });

  it('reloads the in-process indexes when its subscriber connection went away, so nothing published meanwhile is missed', async () => {
    const pair = createWriterAndListener('resync');
    await using writer = pair.writer;
    await using follower = pair.listener;
    const { connectionName } = pair;
    const registry = new SemanticIndexRegistry(follower, () => createVectorIndex(3));
    const changes: StoreChange[] = [];
    follower.subscribe((change) => changes.push(change));
    expect(await follower.waitUntilReady()).toBe(true);
    const held = async () => [...(await registry.get('tenant-a', 'index-1')).records.keys()].sort();
    await writer.setEntry(makeTestEntry('k1', 'tenant-a', [], { indexKey: 'index-1' }), 60_000);
    await writer.addVector(makeTestVector('k1', 'index-1', [1, 0, 0]));
    expect(await held()).toEqual(['k1']);

    // Drop the follower's subscriber connection, then publish before it can be back.
    const [subscriber] = await findPubsubClient(cluster.current.nodes.length, connectionName);
    if (!subscriber) throw new Error('The follower has no subscriber connection.');
    await cluster.current.node(subscriber.node).call('CLIENT', 'KILL', 'ID', subscriber.id);
    await writer.setEntry(makeTestEntry('k2', 'tenant-a', [], { indexKey: 'index-1' }), 60_000);
    await writer.addVector(makeTestVector('k2', 'index-1', [0, 1, 0]));

    // The cluster client moved the subscription to a fresh connection: whatever was published in
    // between may be lost, so the indexes were told to reload.
    await waitFor(() => changes.some((change) => change.type === 'resync'), 5_000);
    await waitFor(async () => (await held()).length === 2, 5_000);
    expect(await held()).toEqual(['k1', 'k2']);
    registry.close();
  });

  it('connects from the seed nodes given as a list, and clears every master', async () => {
    const [seed] = cluster.current.nodes;
    if (!seed) throw new Error('The test cluster has no node.');
    await using store = disposable(
      createRedisStore({
        cluster: { nodes: [`${seed.host}:${seed.port}`] },
        prefix: createTestPrefix('cluster-list'),
      }),
    );
    expect(store.cluster).toBe(true);
    expect(store.url).toBe(`redis-cluster://${seed.host}:${seed.port}`);
    await using other = disposable(createClusterStore());
    await fillTenants(store, TENANTS);
    await fillTenants(other, ['tenant-a']);
    await store.incrementWindow('rl:tenant:tenant-a', 60_000);
    await store.acquireLock('flight:k1', 60_000);
    const written = (await keysByMaster(store.prefix)).flat().length;
    expect(written).toBe(TENANTS.length * 7 + 3);

    expect(await store.clear()).toBe(written);
    expect((await keysByMaster(store.prefix)).flat()).toEqual([]);
    expect(await other.getEntry('tenant-a', 'k1')).toBeDefined();
    // The scopes set went too: the next counts register their scopes again.
    await store.incrementStat('tenant-b', 'misses');
    expect(await store.readStats()).toEqual({ 'tenant-b': { misses: 1 } });
  });

  it('keeps serving the tenants of the other masters while one is down, with one warning for it', async () => {
    const warnings: string[] = [];
    const logger = {
      ...recordingLogger([]),
      warn: (message: string, fields?: Record<string, unknown>) => {
        warnings.push(`${message} ${JSON.stringify(fields)}`);
      },
    };
    const prefix = createTestPrefix('cluster-partial');
    await using store = disposable(
      createClusterStore({ prefix, logger, maxReconnectDelayMs: 100 }),
    );
    const plainTenants = TENANTS.filter((tenantId) => /^tenant-/.test(tenantId));
    await fillTenants(store, plainTenants);
    const byMaster = await keysByMaster(prefix);
    const masterOf = (tenantId: string) =>
      byMaster.findIndex((keys) => keys.some((key) => key.includes(`{${tenantId}}`)));
    const down = masterOf('tenant-a');
    const served = plainTenants.filter((tenantId) => masterOf(tenantId) !== down);
    const lost = plainTenants.filter((tenantId) => masterOf(tenantId) === down);
    expect(served.length).toBeGreaterThan(0);

    await cluster.current.killNode(down);
    try {
      for (let round = 0; round < 3; round += 1) {
        for (const tenantId of lost) {
          const failure = await store.getEntry(tenantId, 'k1').catch((error: unknown) => error);
          expect((failure as RedisStoreError).code, tenantId).toBe('store_unavailable');
        }
        for (const tenantId of served) {
          expect(await store.getEntry(tenantId, 'k1'), tenantId).toBeDefined();
        }
        await sleep(150);
      }
      expect(store.isReady()).toBe(true);
      const nodeWarnings = warnings.filter((line) => line.includes('cluster node unreachable'));
      expect(nodeWarnings).toHaveLength(1);
      expect(nodeWarnings[0]).toContain(String(cluster.current.nodes[down]?.port));
    } finally {
      await cluster.current.restartNode(down);
    }
    // Back (empty: nothing is persisted): its tenants are read again.
    await waitFor(
      async () => (await store.getEntry('tenant-a', 'k1').catch(() => null)) === undefined,
      10_000,
    );
  }, 30_000);

  // Last: it takes the whole cluster down and brings it back empty.
  it('fails fast while the whole cluster is down, with one warning, and works again once it is back', async () => {
    const warnings: string[] = [];
    const errors: RedisStoreError[] = [];
    await using store = disposable(
      createClusterStore({
        logger: recordingLogger(warnings),
        onError: (error) => errors.push(error),
        maxReconnectDelayMs: 100,
      }),
    );
    // Connections to every master are in use (TENANTS cover them all), so all of them drop.
    await fillTenants(store, TENANTS);
    expect(await store.getEntry('tenant-a', 'k1')).toBeDefined();

    await cluster.current.kill();
    // A command to a node that is gone fails at once; the connection counts as down once the
    // client has lost every node.
    for (const attempt of [1, 2]) {
      const started = performance.now();
      const failure = await store.getEntry('tenant-a', 'k1').catch((error: unknown) => error);
      expect(performance.now() - started, `attempt ${attempt}`).toBeLessThan(300);
      expect(RedisStoreError.isInstance(failure)).toBe(true);
      expect((failure as RedisStoreError).code).toBe('store_unavailable');
      if (attempt === 1) await waitFor(() => !store.isReady());
    }
    await expect(store.setDepHash('tenant-a', 'doc:1', 'v2')).rejects.toThrow(/unavailable/i);
    const errorsBefore = errors.length;
    await store.incrementStat('tenant-a', 'misses');
    expect(errors.length).toBe(errorsBefore + 1);
    await sleep(300);
    expect(warnings.filter((line) => line.includes('redis store')).length).toBe(1);

    await cluster.current.restart();
    expect(await store.waitUntilReady(10_000)).toBe(true);
    expect(await store.getEntry('tenant-a', 'k1')).toBeUndefined();
    await store.setEntry(makeTestEntry('k2', 'tenant-a'), 60_000);
    expect(await store.getEntry('tenant-a', 'k2')).toBeDefined();
  }, 30_000);

  /** The pub/sub connections named `connectionName`, by node index and client id. */
  async function findPubsubClient(
    nodeCount: number,
    connectionName: string,
  ): Promise<{ node: number; id: string }[]> {
    const found: { node: number; id: string }[] = [];
    for (let node = 0; node < nodeCount; node += 1) {
      const inspector: Redis = cluster.current.node(node);
      const list = String(await inspector.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      for (const line of list.split('\n')) {
        const id = /\bid=(\d+)/.exec(line)?.[1];
        if (id && line.includes(connectionName)) found.push({ node, id });
      }
    }
    return found;
  }
});

/** The hash tag a key of the store starts with (`{…}` right after the prefix), or `''`. */
function tagOf(prefix: string, key: string): string {
  const rest = key.slice(prefix.length);
  return rest.startsWith('{') ? rest.slice(0, rest.indexOf('}') + 1) : '';
}
