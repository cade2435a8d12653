import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTestRedis,
  createTestPrefix,
  deleteKeysWithPrefix,
  disposable,
  findFreePort,
  hasRedisServerBinary,
  listKeysWithPrefix,
  REDIS_REQUIRED,
  recordingLogger,
  sleep,
  startPrivateRedisServer,
  TEST_REDIS_URL,
  waitFor,
} from '../../test/support/redis-test-support';
import {
  describeStoreContract,
  makeTestEntry,
  makeTestVector,
} from '../../test/support/store-contract';
import { SemanticIndexRegistry } from '../cache/semantic-index-registry';
import { createVectorIndex } from '../semantic/vector-index';
import { RedisStoreError } from './redis/redis-store-error';
import {
  createRedisStore,
  maskRedisUrl,
  type RedisStore,
  type RedisStoreOptions,
} from './redis-store';
import type { CacheEntry, StoreChange } from './store';

const redisAvailable = await checkTestRedis();
const usedPrefixes = new Set<string>();

/** A store on the test database under a fresh prefix, whose keys are deleted after the file. */
function createTestStore(overrides: Partial<RedisStoreOptions> = {}): RedisStore {
  const prefix = overrides.prefix ?? createTestPrefix('store');
  usedPrefixes.add(prefix);
  return createRedisStore({ url: TEST_REDIS_URL, ...overrides, prefix });
}

afterAll(async () => {
  if (!redisAvailable) return;
  for (const prefix of usedPrefixes) await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
});

describe.skipIf(!redisAvailable)('redis store', () => {
  describeStoreContract('redis', () => createTestStore(), { usesInjectedClock: false });

  describe('on a shared Redis', () => {
    let inspector: Redis;
    beforeAll(() => {
      inspector = new Redis(TEST_REDIS_URL);
    });
    afterAll(async () => {
      await inspector.quit();
    });

    it('gives entries, dep sets, tenant sets and vectors Redis TTLs that cover the entry', async () => {
      await using store = disposable(createTestStore());
      const { prefix } = store;
      await store.setEntry(makeEntry('k1', 'tenant:a', ['doc:1']), 60_000);
      await store.addVector(makeTestVector('k1', 'index-1', [1, 0, 0], 'tenant:a'));
      // Every key of the tenant starts with its hash tag, the tenant id escaped (`:` included).
      const tenant = `${prefix}{tenant%3Aa}:`;
      const entryTtl = await inspector.pttl(`${tenant}entry:k1`);
      expect(entryTtl).toBeGreaterThan(58_000);
      expect(entryTtl).toBeLessThanOrEqual(60_000);
      for (const key of [`${tenant}dep:keys:doc:1`, `${tenant}keys`, `${tenant}vec:index-1`]) {
        expect(await inspector.pttl(key), key).toBeGreaterThan(58_000);
      }
      expect(await inspector.smembers(`${tenant}dep:keys:doc:1`)).toEqual(['k1']);

      // A longer-lived entry in the same dep set extends the set; a shorter one never shortens it.
      await store.setEntry(makeEntry('k2', 'tenant:a', ['doc:1']), 120_000);
      await store.setEntry(makeEntry('k3', 'tenant:a', ['doc:1']), 5_000);
      expect(await inspector.pttl(`${tenant}dep:keys:doc:1`)).toBeGreaterThan(118_000);
      // Dep hashes expire, but never before an entry of the tenant: an invalidation must outlive
      // every entry it guards against, including ones written later with the old hash.
      await store.setDepHash('tenant:a', 'doc:1', 'v2');
      const depHashes = `${tenant}dep:hash`;
      expect(await inspector.pttl(depHashes)).toBeGreaterThan(118_000);
      await store.setEntry(makeEntry('k4', 'tenant:a', ['doc:1']), 3_600_000);
      expect(await inspector.pttl(depHashes)).toBeGreaterThan(3_590_000);
    });

    it('lays its keys out under the prefix as documented', async () => {
      await using store = disposable(createTestStore());
      await store.setEntry(makeEntry('k1', 'tenant-a', ['doc:1']), 60_000);
      await store.addVector(makeTestVector('k1', 'index-1', [1, 0, 0]));
      await store.incrementWindow('rl:tenant:tenant-a', 60_000);
      await store.acquireLock('flight:k1', 60_000);
      await store.incrementStat('tenant-a', 'misses');
      await store.setDepHash('tenant-a', 'doc:2', 'v1');
      const keys = await listKeysWithPrefix(inspector, store.prefix);
      const layout = keys.map((key) =>
        key.slice(store.prefix.length).replace(/:\d{13,}$/, ':<start>'),
      );
      expect(layout.sort()).toEqual(
        [
          '{tenant-a}:dep:hash',
          '{tenant-a}:dep:keys:cc:policy-version',
          '{tenant-a}:dep:keys:doc:1',
          '{tenant-a}:entry:k1',
          '{tenant-a}:keys',
          '{tenant-a}:stats',
          '{tenant-a}:vec:index-1',
          '{rl%3Atenant%3Atenant-a}:window:<start>',
          'lock:flight:k1',
          'stats:scopes',
        ].sort(),
      );
      // clear() removes exactly this store's keys.
      const other = createTestStore();
      await other.setEntry(makeEntry('k1', 'tenant-a'), 60_000);
      expect(await store.clear()).toBe(10);
      expect(await listKeysWithPrefix(inspector, store.prefix)).toEqual([]);
      expect(await other.getEntry('tenant-a', 'k1')).toBeDefined();
      await other.close();
    });

    it('reloads the in-process indexes after its subscription was down, so nothing published meanwhile is missed', async () => {
      const prefix = createTestPrefix('resync');
      const connectionName = `cc-resync-${process.pid}-${Date.now()}`;
      await using writer = disposable(createTestStore({ prefix }));
      await using follower = disposable(
        createTestStore({ prefix, redisOptions: { connectionName }, maxReconnectDelayMs: 100 }),
      );
      const registry = new SemanticIndexRegistry(follower, () => createVectorIndex(3));
      expect(await follower.waitUntilReady()).toBe(true);
      await writer.setEntry(makeEntry('k1', 'tenant-a'), 60_000);
      await writer.addVector(makeTestVector('k1', 'index-1', [1, 0, 0]));
      expect([...(await registry.get('tenant-a', 'index-1')).records.keys()]).toEqual(['k1']);

      // Drop the follower's subscriber connection on the server, then publish while it is gone.
      const clients = String(await inspector.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${connectionName} `))
        .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
      expect(ids).toHaveLength(1);
      await inspector.call('CLIENT', 'KILL', 'ID', String(ids[0]));
      await writer.setEntry(makeEntry('k2', 'tenant-a'), 60_000);
      await writer.addVector(makeTestVector('k2', 'index-1', [0, 1, 0]));

      let held: string[] = [];
      await waitFor(async () => {
        held = [...(await registry.get('tenant-a', 'index-1')).records.keys()].sort();
        return held.length === 2;
      }, 5_000);
      expect(held).toEqual(['k1', 'k2']);
      registry.close();
    });

    it('serves and invalidates an entry written without a stamp or check fields, as an earlier version wrote them', async () => {
      const prefix = createTestPrefix('layout');
      await using store = disposable(createTestStore({ prefix }));
      const entry = makeEntry('k1', 'tenant-a', ['doc:1']);
      await store.setEntry(entry, 60_000);
      const [entryKey] = (await listKeysWithPrefix(inspector, prefix)).filter((key) =>
        key.includes(':entry:'),
      );
      expect(await inspector.hdel(entryKey!, 'stamp', 'chk')).toBe(2);
      const lookup = () =>
        store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: entry.deps, now: Date.now() });
      const first = await lookup();
      expect(first.hit).toMatchObject({ freshness: 'fresh', entry: { body: entry.body } });
      // Without a stamp nothing is held as a copy: each hit carries the entry.
      expect((await lookup()).hit?.entry).not.toBe(first.hit?.entry);
      const expired = await store.lookupEntry({
        key: 'k1',
        tenantId: 'tenant-a',
        deps: entry.deps,
        now: entry.expiresAt,
      });
      expect(expired).toEqual({ depsCurrent: true });
      await store.setDepHash('tenant-a', 'doc:1', 'v2');
      expect(await lookup()).toEqual({ depsCurrent: false });
      const current = entry.deps.map((dep) =>
        dep.depId === 'doc:1' ? { ...dep, expectedHash: 'v2' } : dep,
      );
      expect(
        await store.lookupEntry({
          key: 'k1',
          tenantId: 'tenant-a',
          deps: current,
          now: Date.now(),
        }),
      ).toEqual({ depsCurrent: true });
      expect((await store.readStats())['tenant-a']).toMatchObject({ hits_l1: 2, tokens_saved: 24 });
    });

    it('replacing an entry drops it from the dep sets of its previous version', async () => {
      await using store = disposable(createTestStore());
      await store.setEntry(makeEntry('k1', 'tenant-a', ['doc:1']), 60_000);
      await store.setEntry(makeEntry('k1', 'tenant-a', ['doc:2']), 60_000);
      expect(await store.takeDepKeys('tenant-a', 'doc:1')).toEqual([]);
      expect(await store.takeDepKeys('tenant-a', 'doc:2')).toEqual(['k1']);
    });

    it('survives a restart of the gateway: a new store instance reads what an earlier one wrote', async () => {
      const prefix = createTestPrefix('restart');
      const before = createTestStore({ prefix });
      const entry = makeEntry('k1', 'tenant-a', ['doc:1']);
      await before.setEntry(entry, 60_000);
      await before.addVector(makeTestVector('k1', 'index-1', [0.5, 0.25, 0]));
      await before.close();

      await using after = disposable(createTestStore({ prefix }));
      expect(await after.getEntry('tenant-a', 'k1')).toEqual(entry);
      const [vector] = await after.listVectors('tenant-a', 'index-1');
      expect([...(vector?.vector ?? [])]).toEqual([0.5, 0.25, 0]);
      expect(await after.takeDepKeys('tenant-a', 'doc:1')).toEqual(['k1']);
    });
  });

  describe('between two instances', () => {
    it('delivers L2 changes of one instance to the other, and to its own listeners exactly once', async () => {
      const prefix = createTestPrefix('pubsub');
      await using writer = disposable(createTestStore({ prefix }));
      await using reader = disposable(createTestStore({ prefix }));
      const seenByReader: StoreChange[] = [];
      const seenByWriter: StoreChange[] = [];
      reader.subscribe((change) => seenByReader.push(change));
      writer.subscribe((change) => seenByWriter.push(change));
      expect(await reader.waitUntilReady()).toBe(true);
      expect(await writer.waitUntilReady()).toBe(true);

      await writer.setEntry(makeEntry('k1', 'tenant-a'), 60_000);
      const record = makeTestVector('k1', 'index-1', [0.1, -2.5, 3.25]);
      await writer.addVector(record);
      await waitFor(() => seenByReader.length >= 1);
      const added = seenByReader[0];
      expect(added?.type).toBe('vector-added');
      if (added?.type === 'vector-added') {
        expect(added.record).toMatchObject({
          id: 'k1',
          tenantId: 'tenant-a',
          indexKey: 'index-1',
          entryKey: 'k1',
          text: record.text,
        });
        expect([...added.record.vector]).toEqual([...record.vector]);
      }

      await writer.deleteEntry('tenant-a', 'k1');
      await waitFor(() => seenByReader.length >= 2);
      expect(seenByReader[1]).toEqual({
        type: 'vector-removed',
        tenantId: 'tenant-a',
        indexKey: 'index-1',
        id: 'k1',
      });
      // Give a (wrong) echo of the writer's own messages time to arrive before counting.
      await sleep(100);
      expect(seenByWriter.map((change) => change.type)).toEqual(['vector-added', 'vector-removed']);
    });

    it('sees an invalidation at once and hands each dep key to exactly one invalidator', async () => {
      const prefix = createTestPrefix('deps');
      await using first = disposable(createTestStore({ prefix }));
      await using second = disposable(createTestStore({ prefix }));
      for (let index = 0; index < 50; index += 1) {
        await first.setEntry(makeEntry(`k${index}`, 'tenant-a', ['doc:1']), 60_000);
      }
      await first.setDepHash('tenant-a', 'doc:1', 'v2');
      expect(await second.getDepHashes('tenant-a', ['doc:1'])).toEqual(['v2']);

      const [fromFirst, fromSecond] = await Promise.all([
        first.takeDepKeys('tenant-a', 'doc:1'),
        second.takeDepKeys('tenant-a', 'doc:1'),
      ]);
      const all = [...fromFirst, ...fromSecond];
      expect(all).toHaveLength(50);
      expect(new Set(all).size).toBe(50);
    });

    it("answers from its copy of a hot entry only while Redis holds that version, never after another instance's rewrite or invalidation", async () => {
      const prefix = createTestPrefix('copies');
      await using writer = disposable(createTestStore({ prefix }));
      await using reader = disposable(createTestStore({ prefix }));
      const lookup = (store: RedisStore, deps: CacheEntry['deps']) =>
        store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps, now: Date.now() });
      const first = makeEntry('k1', 'tenant-a', ['doc:1']);
      await writer.setEntry({ ...first, body: '{"answer":"first"}' }, 60_000);

      const read = await lookup(reader, first.deps);
      expect(read.hit?.entry.body).toBe('{"answer":"first"}');
      // Read again: the same object, so the reply carried no entry and the copy answered.
      const again = await lookup(reader, first.deps);
      expect(again.hit?.entry).toBe(read.hit?.entry);

      // Another instance rewrites the entry: the copy no longer answers.
      await writer.setEntry({ ...first, body: '{"answer":"second"}' }, 60_000);
      const rewritten = await lookup(reader, first.deps);
      expect(rewritten.hit?.entry.body).toBe('{"answer":"second"}');
      expect((await lookup(reader, first.deps)).hit?.entry).toBe(rewritten.hit?.entry);

      // Invalidated through the other instance: no hit, from the copy or otherwise.
      await writer.setDepHash('tenant-a', 'doc:1', 'v2');
      expect((await lookup(reader, first.deps)).hit).toBeUndefined();
      const current = first.deps.map((dep) =>
        dep.depId === 'doc:1' ? { ...dep, expectedHash: 'v2' } : dep,
      );
      expect(await lookup(reader, current)).toEqual({ depsCurrent: true });

      // Deleted through the other instance: the copy is no answer either.
      await writer.deleteEntry('tenant-a', 'k1');
      expect((await lookup(reader, first.deps)).hit).toBeUndefined();
      expect((await reader.readStats())['tenant-a']).toMatchObject({ hits_l1: 4 });
    });

    it('shares locks and rate-limit windows; a lock expires by itself if its holder dies', async () => {
      const prefix = createTestPrefix('locks');
      await using first = disposable(createTestStore({ prefix }));
      await using second = disposable(createTestStore({ prefix }));
      const owner = await first.acquireLock('flight:k1', 300);
      expect(owner).toBeTypeOf('string');
      expect(await second.acquireLock('flight:k1', 300)).toBeNull();
      await sleep(400);
      const secondOwner = await second.acquireLock('flight:k1', 10_000);
      expect(secondOwner).toBeTypeOf('string');
      // The first holder's late release must not free the lock someone else now holds.
      await first.releaseLock('flight:k1', owner!);
      expect(await first.acquireLock('flight:k1', 10_000)).toBeNull();

      const counts = [
        (await first.incrementWindow('rl:tenant:a', 60_000)).count,
        (await second.incrementWindow('rl:tenant:a', 60_000)).count,
        (await first.incrementWindow('rl:tenant:a', 60_000)).count,
      ];
      expect(counts).toEqual([1, 2, 3]);
    });
  });

  describe.skipIf(!hasRedisServerBinary() && !REDIS_REQUIRED)('on a private Redis', () => {
    /**
     * Serves a hit from `store` and returns where MONITOR (through `monitorUrl`) saw the lookup's
     * `EVALSHA` and a later `HMGET` of the main client come from.
     */
    /**
     * What the store sends for the L1 hit of an entry it wrote (so holds a copy of), and from
     * which client address, beside the address of a command through the main client.
     */
    async function lookupSources(store: RedisStore, monitorUrl: string) {
      const entry = makeEntry('k1', 'tenant-a', ['doc:1']);
      await store.setEntry(entry, 60_000);
      // Scripts are loaded on first use: one lookup first, so a watched script is a plain EVALSHA.
      await store.lookupEntry({ key: 'k0', tenantId: 'tenant-a', deps: [], now: Date.now() });
      const inspector = new Redis(monitorUrl);
      const monitor = await inspector.monitor();
      const sent: { command: string; source: string }[] = [];
      // MONITOR shows what clients send (with their address), and what scripts run as `lua`.
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source === 'lua') return;
        sent.push({ command: String(args[0]).toLowerCase(), source });
      });
      const result = await store.lookupEntry({
        key: 'k1',
        tenantId: 'tenant-a',
        deps: entry.deps,
        now: Date.now(),
      });
      await sleep(100);
      expect(result.hit?.freshness).toBe('fresh');
      expect(result.hit?.entry.body).toBe(entry.body);
      const lookup = sent.splice(0);
      await store.getEntry('tenant-a', 'k1');
      await sleep(100);
      monitor.disconnect();
      inspector.disconnect();
      expect(sent.map(({ command }) => command)).toEqual(['hmget']);
      expect((await store.readStats())['tenant-a']).toMatchObject({ hits_l1: 1, tokens_saved: 12 });
      return {
        commands: lookup.map(({ command }) => command),
        lookupSources: [...new Set(lookup.map(({ source }) => source))],
        other: sent[0]?.source,
      };
    }

    it('answers the L1 hit of a held entry, hit counted, without a script, on a connection of its own', async () => {
      await using server = await startPrivateRedisServer();
      await using store = disposable(
        createRedisStore({ url: server.url, prefix: createTestPrefix('roundtrip') }),
      );
      const { commands, lookupSources: sources, other } = await lookupSources(store, server.url);
      // The stamp and the dep hashes read together, then the counters: no script runs.
      expect(commands).toEqual(['hmget', 'hmget', 'hincrby', 'hincrby']);
      // Other commands go through the main client: the lookup came from another connection.
      expect(sources).toHaveLength(1);
      expect(sources[0]).not.toBe(other);
    });

    it('runs lookups on a connection of its own over TLS too, checking the certificate as the main client does', async () => {
      await using server = await startPrivateRedisServer({ tls: true });
      const { url, ca } = server.tls!;
      const connectionName = `cc-tls-${process.pid}-${Date.now()}`;
      await using store = disposable(
        createRedisStore({
          url,
          prefix: createTestPrefix('tls'),
          redisOptions: { tls: { ca }, connectionName },
        }),
      );
      const { commands, lookupSources: sources, other } = await lookupSources(store, server.url);
      expect(commands).toEqual(['hmget', 'hmget', 'hincrby', 'hincrby']);
      expect(sources).toHaveLength(1);
      expect(sources[0]).not.toBe(other);
      // Both connections came through the TLS port and carry the configured name.
      const inspector = new Redis(server.url);
      const clients = String(await inspector.call('CLIENT', 'LIST', 'TYPE', 'normal'));
      inspector.disconnect();
      const named = clients.split('\n').filter((line) => line.includes(` name=${connectionName} `));
      const tlsPort = new URL(url).port;
      expect(named.map((line) => /\bladdr=\S*:(\d+)/.exec(line)?.[1])).toEqual([tlsPort, tlsPort]);

      // A certificate the client does not trust: neither connection serves.
      await using untrusting = disposable(
        createRedisStore({
          url,
          prefix: createTestPrefix('tls-untrusted'),
          unavailableWaitMs: 200,
          onError: () => {},
        }),
      );
      await expect(
        untrusting.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: [], now: Date.now() }),
      ).rejects.toMatchObject({ code: 'store_unavailable' });
    });

    it('leaves lookups to the main client when redisOptions hold an option its own connection does not follow', async () => {
      await using server = await startPrivateRedisServer();
      await using store = disposable(
        createRedisStore({
          url: server.url,
          prefix: createTestPrefix('unfollowed'),
          redisOptions: { showFriendlyErrorStack: true },
        }),
      );
      const { commands, lookupSources: sources, other } = await lookupSources(store, server.url);
      // Without a connection of its own, the lookup script checks and counts the held entry.
      expect(commands).toEqual(['evalsha']);
      expect(sources).toEqual([other]);
    });

    it('serves L1 hits again after SCRIPT FLUSH and after a restart of Redis', async () => {
      await using server = await startPrivateRedisServer();
      await using store = disposable(
        createRedisStore({
          url: server.url,
          prefix: createTestPrefix('reload'),
          maxReconnectDelayMs: 50,
        }),
      );
      const entry = makeEntry('k1', 'tenant-a');
      const lookup = () =>
        store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: entry.deps, now: Date.now() });
      await store.setEntry(entry, 60_000);
      expect((await lookup()).hit?.freshness).toBe('fresh');
      const admin = new Redis(server.url);
      await admin.script('FLUSH');
      admin.disconnect();
      expect((await lookup()).hit?.freshness).toBe('fresh');

      await server.kill();
      await server.restart();
      expect(await store.waitUntilReady(5_000)).toBe(true);
      // Give the hit path's own connection time to be back too; either way the answer is the same.
      await sleep(200);
      expect(await lookup()).toEqual({ depsCurrent: true });
      await store.setEntry(entry, 60_000);
      expect((await lookup()).hit?.freshness).toBe('fresh');
      expect((await store.readStats())['tenant-a']).toMatchObject({ hits_l1: 1 });
    });
  });

  describe.skipIf(!hasRedisServerBinary() && !REDIS_REQUIRED)('when Redis goes away', () => {
    it('rejects lookups and writes within the command timeout while Redis hangs, and serves again once it answers', async () => {
      await using server = await startPrivateRedisServer();
      await using store = disposable(
        createRedisStore({
          url: server.url,
          prefix: createTestPrefix('hung'),
          commandTimeoutMs: 200,
        }),
      );
      const entry = makeEntry('k1', 'tenant-a');
      const lookup = () =>
        store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: entry.deps, now: Date.now() });
      await store.setEntry(entry, 60_000);
      expect((await lookup()).hit?.freshness).toBe('fresh');
      // Both connections, the lookup's own and the main one, up before the server hangs.
      await sleep(100);

      server.pause();
      const started = performance.now();
      const [lookupFailure, writeFailure] = await Promise.all([
        lookup().catch((error: unknown) => error),
        store.setDepHash('tenant-a', 'doc:1', 'v2').catch((error: unknown) => error),
      ]);
      const waited = performance.now() - started;
      expect(RedisStoreError.isInstance(lookupFailure)).toBe(true);
      expect((lookupFailure as RedisStoreError).code).toBe('store_unavailable');
      expect(RedisStoreError.isInstance(writeFailure)).toBe(true);
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(1_000);

      server.resume();
      await waitFor(async () => (await lookup().catch(() => undefined)) !== undefined, 3_000);
      expect((await lookup()).hit?.freshness).toBe('fresh');
      // A rejected invalidation may or may not have applied: it answered 503, and its retry holds.
      await store.setDepHash('tenant-a', 'doc:1', 'v2');
      expect(await store.getDepHashes('tenant-a', ['doc:1'])).toEqual(['v2']);
    });

    it('fails fast while it is down, and works again once it is back', async () => {
      await using server = await startPrivateRedisServer();
      const warnings: string[] = [];
      const errors: RedisStoreError[] = [];
      await using store = disposable(
        createRedisStore({
          url: server.url,
          prefix: createTestPrefix('outage'),
          logger: recordingLogger(warnings),
          onError: (error) => errors.push(error),
          maxReconnectDelayMs: 100,
        }),
      );
      const subscribedErrors: string[] = [];
      store.subscribeErrors((error) => subscribedErrors.push(error.operation));
      await store.setEntry(makeEntry('k1', 'tenant-a'), 60_000);
      expect(await store.getEntry('tenant-a', 'k1')).toBeDefined();

      await server.kill();
      const started = performance.now();
      const failure = await store.getEntry('tenant-a', 'k1').catch((error: unknown) => error);
      // A noticed outage fails at once: requests fall back to upstream without waiting.
      expect(performance.now() - started).toBeLessThan(300);
      expect(RedisStoreError.isInstance(failure)).toBe(true);
      expect((failure as RedisStoreError).code).toBe('store_unavailable');
      await expect(store.setDepHash('tenant-a', 'doc:1', 'v2')).rejects.toThrow(
        /unavailable|closed|writeable/i,
      );
      // Best-effort calls resolve, but still count as store errors.
      const errorsBefore = errors.length;
      await store.incrementStat('tenant-a', 'misses');
      await store.releaseLock('flight:k1', 'owner');
      expect(errors.length).toBe(errorsBefore + 2);
      expect(subscribedErrors).toEqual(errors.map((error) => error.operation));
      expect(subscribedErrors.slice(-2)).toEqual(['incrementStat', 'releaseLock']);
      await sleep(300);
      // One warning for the outage, not one per reconnection attempt.
      expect(warnings.filter((line) => line.includes('redis store')).length).toBe(1);

      await server.restart();
      expect(await store.waitUntilReady(5_000)).toBe(true);
      // The private server kept nothing (no persistence): the store works on the fresh one.
      expect(await store.getEntry('tenant-a', 'k1')).toBeUndefined();
      await store.setEntry(makeEntry('k2', 'tenant-a'), 60_000);
      expect(await store.getEntry('tenant-a', 'k2')).toBeDefined();
    });
  });
});

// Needs no Redis at all: it points at a port where nothing listens.
describe('redis store without a server', () => {
  it.each([
    ['a server', (port: number) => `redis://127.0.0.1:${port}/0`],
    ['a cluster', (port: number) => `redis-cluster://127.0.0.1:${port}`],
  ])(
    'rejects every call to %s quickly with a store_unavailable error and never rejects unhandled',
    async (_, urlOf) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const port = await findFreePort();
      const store = createRedisStore({ url: urlOf(port), unavailableWaitMs: 150 });
      try {
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['getEntry', () => store.getEntry('tenant-a', 'k1')],
          ['setEntry', () => store.setEntry(makeEntry('k1', 'tenant-a'), 1_000)],
          ['deleteEntry', () => store.deleteEntry('tenant-a', 'k1')],
          ['countEntries', () => store.countEntries('tenant-a')],
          ['flushTenant', () => store.flushTenant('tenant-a')],
          ['addVector', () => store.addVector(makeTestVector('k1', 'index-1', [1]))],
          ['removeVector', () => store.removeVector('tenant-a', 'index-1', 'k1')],
          ['listVectors', () => store.listVectors('tenant-a', 'index-1')],
          ['takeDepKeys', () => store.takeDepKeys('tenant-a', 'doc:1')],
          ['getDepHashes', () => store.getDepHashes('tenant-a', ['doc:1'])],
          ['setDepHash', () => store.setDepHash('tenant-a', 'doc:1', 'v2')],
          [
            'lookupEntry',
            () => store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: [], now: Date.now() }),
          ],
          ['incrementWindow', () => store.incrementWindow('rl:x', 1_000)],
          ['acquireLock', () => store.acquireLock('lock:1', 1_000)],
          ['readStats', () => store.readStats()],
        ];
        const started = performance.now();
        const outcomes = await Promise.all(
          calls.map(async ([name, call]) => {
            const error = await call().then(
              () => undefined,
              (reason: unknown) => reason,
            );
            return { name, code: RedisStoreError.isInstance(error) ? error.code : 'resolved' };
          }),
        );
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(outcomes).toEqual(calls.map(([name]) => ({ name, code: 'store_unavailable' })));
        await expect(store.incrementStat('tenant-a', 'misses')).resolves.toBeUndefined();
        store.subscribe(() => {});
        await sleep(200);
      } finally {
        await store.close();
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
      await expect(store.getEntry('tenant-a', 'k1')).rejects.toThrow('closed');
    },
  );

  it('masks the password of a Redis URL for logs', () => {
    expect(maskRedisUrl('redis://:secret@cache.internal:6380/2')).toBe(
      'redis://:***@cache.internal:6380/2',
    );
    expect(maskRedisUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(maskRedisUrl('redis-cluster://cc:s3cret@10.0.0.5:7000,10.0.0.6:7000')).toBe(
      'redis-cluster://cc:***@10.0.0.5:7000,10.0.0.6:7000',
    );
  });

  it("refuses a key prefix with braces on a cluster, which would take the tenants' hash tags", () => {
    expect(() =>
      createRedisStore({ url: 'redis-cluster://127.0.0.1:7000', prefix: 'cc{eu}:' }),
    ).toThrow(/must not contain "\{" or "\}"/);
    expect(() =>
      createRedisStore({ cluster: { nodes: ['127.0.0.1:7000'] }, prefix: 'cc}' }),
    ).toThrow(/must not contain/);
  });
});

function makeEntry(key: string, tenantId: string, depIds: string[] = []): CacheEntry {
  return makeTestEntry(key, tenantId, depIds, { indexKey: 'index-1' });
}
