import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  createTestPrefix,
  disposable,
  hasRedisServerBinary,
  REDIS_REQUIRED,
  startPrivateRedisServer,
} from '../../../test/support/redis-test-support';
import { makeTestEntry } from '../../../test/support/store-contract';
import type { CacheEntry, DepTag, EntryLookupResult } from '../entry-store';
import { createRedisStore, type RedisStore } from '../redis-store';

/** A lookup's answer as a caller sees it. */
function outcome(result: EntryLookupResult) {
  return {
    depsCurrent: result.depsCurrent,
    freshness: result.hit?.freshness,
    body: result.hit?.entry.body,
  };
}

/** How many times Redis ran `command` since it started (`INFO commandstats`). */
async function callsOf(inspector: Redis, command: string): Promise<number> {
  const stats = await inspector.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

interface Case {
  name: string;
  /** Tags of the stored entry (besides the policy version), all at `v1`. */
  tags: string[];
  /** Entry fields to change. */
  entry?: Partial<CacheEntry>;
  /** Dep hashes set after the write. */
  hashes?: Record<string, string>;
  /** The request's deps (besides the policy version at `0`). */
  request: DepTag[];
  /** Offset of the lookup's `now` from the write. */
  after?: number;
  expected: ReturnType<typeof outcome>;
}

const FRESH_FOR = 60_000;
const EXPIRES_IN = 120_000;

const CASES: Case[] = [
  {
    name: 'fresh hit',
    tags: ['doc:1'],
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    expected: { depsCurrent: true, freshness: 'fresh', body: 'answer' },
  },
  {
    name: 'stale hit',
    tags: ['doc:1'],
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    after: FRESH_FOR + 1,
    expected: { depsCurrent: true, freshness: 'stale', body: 'answer' },
  },
  {
    name: 'expired',
    tags: ['doc:1'],
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    after: EXPIRES_IN,
    expected: { depsCurrent: true, freshness: undefined, body: undefined },
  },
  {
    name: 'a request dep outdated',
    tags: ['doc:1'],
    hashes: { 'doc:1': 'v2' },
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    expected: { depsCurrent: false, freshness: undefined, body: undefined },
  },
  {
    name: 'a tag outdated that the request does not name',
    tags: ['doc:1', 'doc:2'],
    hashes: { 'doc:2': 'v2' },
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    expected: { depsCurrent: true, freshness: undefined, body: undefined },
  },
  {
    name: 'a request dep the entry is not tagged with',
    tags: ['doc:1'],
    request: [
      { depId: 'doc:1', expectedHash: 'v1' },
      { depId: 'doc:9', expectedHash: 'v1' },
    ],
    expected: { depsCurrent: true, freshness: undefined, body: undefined },
  },
  {
    name: 'a request dep expecting another hash than the tag, never invalidated',
    tags: ['doc:1'],
    request: [{ depId: 'doc:1', expectedHash: 'v7' }],
    expected: { depsCurrent: true, freshness: undefined, body: undefined },
  },
  {
    name: 'a tag current again at the hash the entry expects',
    tags: ['doc:1'],
    hashes: { 'doc:1': 'v1' },
    request: [{ depId: 'doc:1', expectedHash: 'v1' }],
    expected: { depsCurrent: true, freshness: 'fresh', body: 'answer' },
  },
  {
    name: 'an entry without tags, a request without deps',
    tags: [],
    request: [],
    expected: { depsCurrent: true, freshness: 'fresh', body: 'answer' },
  },
];

describe.skipIf(!hasRedisServerBinary() && !REDIS_REQUIRED)(
  'held copies of Redis L1 entries',
  () => {
    it('answer every lookup as the lookup script does, without running it, and count the same hits', async () => {
      await using server = await startPrivateRedisServer();
      const prefix = createTestPrefix('held');
      // Default options: held entries are checked without the script. Options its own connection
      // does not follow: every lookup runs the script on the main client.
      await using direct = disposable(createRedisStore({ url: server.url, prefix }));
      await using scripted = disposable(
        createRedisStore({
          url: server.url,
          prefix,
          redisOptions: { showFriendlyErrorStack: true },
        }),
      );
      const inspector = new Redis(server.url);
      try {
        const lookUp = (store: RedisStore, tenantId: string, test: Case, now: number) =>
          store.lookupEntry({
            key: 'k1',
            tenantId,
            deps: [{ depId: 'cc:policy-version', expectedHash: '0' }, ...test.request],
            now,
          });
        for (const [position, test] of CASES.entries()) {
          const results: ReturnType<typeof outcome>[] = [];
          let scriptRuns = 0;
          for (const store of [direct, scripted]) {
            const tenantId = `tenant-${position}-${store === direct ? 'direct' : 'scripted'}`;
            const written = Date.now();
            await store.setEntry(
              makeTestEntry('k1', tenantId, test.tags, {
                body: 'answer',
                freshUntil: written + FRESH_FOR,
                expiresAt: written + EXPIRES_IN,
                totalTokens: 7,
                ...test.entry,
              }),
              EXPIRES_IN * 10,
            );
            for (const [depId, hash] of Object.entries(test.hashes ?? {})) {
              await store.setDepHash(tenantId, depId, hash);
            }
            const before = await callsOf(inspector, 'evalsha');
            results.push(outcome(await lookUp(store, tenantId, test, written + (test.after ?? 0))));
            if (store === direct) scriptRuns = (await callsOf(inspector, 'evalsha')) - before;
          }
          expect(results[0], test.name).toEqual(test.expected);
          expect(results[1], test.name).toEqual(test.expected);
          expect(scriptRuns, test.name).toBe(0);
        }
        // The same counters, in the same places, for the hits of both ways.
        const stats = await direct.readStats();
        for (const position of CASES.keys()) {
          expect(stats[`tenant-${position}-direct`], CASES[position]?.name).toEqual(
            stats[`tenant-${position}-scripted`],
          );
        }
        expect(stats['tenant-1-direct']).toEqual({ hits_l1_stale: 1, tokens_saved: 7 });
      } finally {
        inspector.disconnect();
      }
    });

    it('leave the lookup to the script when Redis stores another version, or none with a stamp', async () => {
      await using server = await startPrivateRedisServer();
      const prefix = createTestPrefix('held-versions');
      await using store = disposable(createRedisStore({ url: server.url, prefix }));
      const inspector = new Redis(server.url);
      try {
        // Scripts are loaded on first use: one lookup first, so each one counted is a plain EVALSHA.
        await store.lookupEntry({ key: 'k0', tenantId: 'tenant-a', deps: [], now: Date.now() });
        const entry = makeTestEntry('k1', 'tenant-a', ['doc:1'], { body: 'first' });
        await store.setEntry(entry, 60_000);
        const lookup = () =>
          store.lookupEntry({ key: 'k1', tenantId: 'tenant-a', deps: entry.deps, now: Date.now() });
        expect((await lookup()).hit?.entry.body).toBe('first');
        const [entryKey] = await inspector.keys(`${prefix}*k1*`);
        expect(entryKey).toBeDefined();

        // Another version written behind this instance's back: the script sends it, and it is held.
        await inspector.hset(entryKey as string, 'stamp', 'elsewhere.1', 'body', 'second');
        const evalsBefore = await callsOf(inspector, 'evalsha');
        expect((await lookup()).hit?.entry.body).toBe('second');
        expect((await callsOf(inspector, 'evalsha')) - evalsBefore).toBe(1);
        expect((await lookup()).hit?.entry.body).toBe('second');
        expect((await callsOf(inspector, 'evalsha')) - evalsBefore).toBe(1);

        // The entry gone: the script confirms there is nothing to serve.
        await inspector.del(entryKey as string);
        expect(await lookup()).toEqual({ depsCurrent: true });
        expect((await callsOf(inspector, 'evalsha')) - evalsBefore).toBe(2);
        expect((await store.readStats())['tenant-a']).toMatchObject({ hits_l1: 3 });
      } finally {
        inspector.disconnect();
      }
    });
  },
);
