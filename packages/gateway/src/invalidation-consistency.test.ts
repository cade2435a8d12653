import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRedisClusterBinaries,
  useTestRedisCluster,
} from '../test/support/redis-cluster-test-support';
import {
  checkTestRedis,
  createTestPrefix,
  deleteKeysWithPrefix,
  TEST_REDIS_URL,
} from '../test/support/redis-test-support';
import { startVersionedUpstream, type VersionedUpstream } from '../test/support/versioned-upstream';
import { createTenantToken } from './auth/create-tenant-token';
import { type Gateway, startGateway } from './gateway';

const SECRET = 'consistency-secret';
const redisAvailable = await checkTestRedis();
const clusterAvailable = checkRedisClusterBinaries();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function depsHeader(hash: string): string {
  return Buffer.from(JSON.stringify([{ dep_id: 'doc', expected_hash: hash }])).toString(
    'base64url',
  );
}

/** Asks `prompt`, expecting `hash` for the doc dep (no deps header when `undefined`). */
async function ask(gateway: Gateway, token: string, prompt: string, hash: string | undefined) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cachecore-token': token,
      ...(hash !== undefined && { 'x-cachecore-deps': depsHeader(hash) }),
    },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
  });
  const body = (await response.json()) as { choices?: { message: { content: string } }[] };
  return {
    status: response.status,
    cache: response.headers.get('x-cache') ?? '',
    content: body.choices?.[0]?.message.content ?? '',
  };
}

/** Invalidates the doc dep through `gateway` with `newHash`, expecting the answer ok. */
async function invalidateDoc(gateway: Gateway, token: string, newHash: string): Promise<void> {
  const response = await fetch(`${gateway.url}/v1/invalidate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
    body: JSON.stringify({ dep_id: 'doc', new_hash: newHash }),
  });
  expect(((await response.json()) as { ok: boolean }).ok).toBe(true);
}

/** How readers word the question: always alike (L1), or in near-duplicate variants (L2). */
type Wording = (prompt: string, reader: number) => string;

const SAME_WORDING: Wording = (prompt) => prompt;
/**
 * Twenty near-duplicate variants (casing × ending) that the default lexical embedder scores over its
 * threshold and every guard passes, one per reader, so that later readers find an entry written for
 * another wording (L2), not their own (L1).
 */
const NEAR_DUPLICATE_WORDING: Wording = (prompt, reader) => {
  const casings = [
    (text: string) => text,
    (text: string) => text.toLowerCase(),
    (text: string) => text.toUpperCase(),
    (text: string) => `  ${text}  `,
  ];
  const endings = [
    (text: string) => text,
    (text: string) => `${text}!`,
    (text: string) => text.replace('?', ''),
    (text: string) => `Please, ${text}`,
    (text: string) => text.replace('?', '??'),
  ];
  const variant = reader % 20;
  return casings[variant % 4]!(endings[Math.floor(variant / 4)]!(prompt));
};

/** What the new readers of every run got: answers made from old data, and how each was served. */
interface ReaderOutcome {
  stale: string[];
  served: string[];
}

/**
 * Readers that expect the old hash start upstream calls; mid-call the data changes (the upstream's
 * version goes up) and the dep is invalidated; once that answered ok, waves of readers that expect
 * the new hash ask the same question on every instance, while the old calls finish and write.
 * Returns every answer the new readers got that was made from the old data.
 */
async function staleAnswersAfterInvalidation(
  gateways: Gateway[],
  upstream: VersionedUpstream,
  latencyMs: number,
  runs: number,
  wording: Wording = SAME_WORDING,
): Promise<ReaderOutcome> {
  const tenantId = `consistency-${Math.random().toString(36).slice(2)}`;
  const token = await createTenantToken({ secret: SECRET, tenantId });
  const stale: string[] = [];
  const served: string[] = [];
  for (let run = 0; run < runs; run += 1) {
    const prompt = `What does the document say about the renewal terms? (${run})`;
    const oldReaders = gateways.flatMap((gateway) =>
      [0, 1, 2].map((reader) => ask(gateway, token, wording(prompt, reader), `h${run}`)),
    );
    await sleep(latencyMs / 3);
    upstream.version += 1;
    await invalidateDoc(gateways[0]!, token, `h${run + 1}`);
    const newReaders: ReturnType<typeof ask>[] = [];
    for (let wave = 0; wave < 4; wave += 1) {
      if (wave > 0) await sleep(latencyMs / 2);
      for (const gateway of gateways) {
        for (let reader = 0; reader < 5; reader += 1) {
          newReaders.push(
            ask(gateway, token, wording(prompt, 3 + wave * 5 + reader), `h${run + 1}`),
          );
        }
      }
    }
    const answers = await Promise.all(newReaders);
    await Promise.all(oldReaders);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      served.push(answer.cache);
      if (!answer.content.startsWith(`v${upstream.version}:`)) {
        stale.push(`${answer.cache}: ${answer.content}`);
      }
    }
  }
  return { stale, served };
}

/**
 * An entry already cached and hit on every instance (so each answers it from the copy it holds)
 * is read without pause by readers on every instance, half sending the doc dep's hash and half no
 * deps, while the data changes and the dep is invalidated. Returns what the readers that started
 * after the invalidation answered ok got from the old data, and how every reader was served.
 */
async function staleHitsOfHotEntry(
  gateways: Gateway[],
  upstream: VersionedUpstream,
  latencyMs: number,
  runs: number,
): Promise<ReaderOutcome & { servedBefore: string[] }> {
  const tenantId = `hot-${Math.random().toString(36).slice(2)}`;
  const token = await createTenantToken({ secret: SECRET, tenantId });
  const stale: string[] = [];
  const served: string[] = [];
  const servedBefore: string[] = [];
  for (let run = 0; run < runs; run += 1) {
    const prompt = `Summarize the pricing table of the document. (${run})`;
    expect((await ask(gateways[0]!, token, prompt, `h${run}`)).cache).toBe('MISS');
    for (const gateway of gateways) {
      for (let hit = 0; hit < 2; hit += 1) {
        expect((await ask(gateway, token, prompt, `h${run}`)).cache).toBe('HIT_L1');
      }
    }
    let invalidated = false;
    let stopped = false;
    const readers = gateways.flatMap((gateway) =>
      [0, 1, 2, 3].map(async (reader) => {
        while (!stopped) {
          const after = invalidated;
          const hash = reader % 2 === 0 ? undefined : after ? `h${run + 1}` : `h${run}`;
          const answer = await ask(gateway, token, prompt, hash);
          expect(answer.status).toBe(200);
          (after ? served : servedBefore).push(answer.cache);
          if (after && !answer.content.startsWith(`v${upstream.version}:`)) {
            stale.push(`${answer.cache}: ${answer.content}`);
          }
          await sleep(2);
        }
      }),
    );
    await sleep(latencyMs / 2);
    upstream.version += 1;
    await invalidateDoc(gateways[0]!, token, `h${run + 1}`);
    invalidated = true;
    await sleep(latencyMs * 3);
    stopped = true;
    await Promise.all(readers);
  }
  return { stale, served, servedBefore };
}

describe.skipIf(!clusterAvailable)('the same readers on a Redis Cluster', () => {
  const cluster = useTestRedisCluster();

  it.each([
    { layer: 'L1', latencyMs: 100 },
    { layer: 'L1', latencyMs: 300 },
    { layer: 'L2', latencyMs: 100 },
    { layer: 'L2', latencyMs: 300 },
  ])(
    'get no pre-invalidation answer at $layer from two instances on one cluster (upstream $latencyMs ms)',
    async ({ layer, latencyMs }) => {
      const upstream = await startVersionedUpstream(latencyMs);
      const options = {
        upstream: upstream.url,
        jwtSecret: SECRET,
        logLevel: 'silent' as const,
        l2: layer === 'L2',
        store: cluster.current.url,
        redisPrefix: createTestPrefix('consistency'),
      };
      const gateways = [await startGateway(options), await startGateway(options)];
      try {
        const outcome = await staleAnswersAfterInvalidation(
          gateways,
          upstream,
          latencyMs,
          4,
          layer === 'L2' ? NEAR_DUPLICATE_WORDING : SAME_WORDING,
        );
        expect(outcome.stale).toEqual([]);
        expect(outcome.served).toContain(layer === 'L2' ? 'HIT_L2' : 'HIT_L1');
      } finally {
        await Promise.all(gateways.map((gateway) => gateway.close()));
        await upstream.close();
      }
    },
    30_000,
  );

  it('serve no hot entry held before an invalidation from two instances on one cluster (upstream 300 ms)', async () => {
    const upstream = await startVersionedUpstream(300);
    const options = {
      upstream: upstream.url,
      jwtSecret: SECRET,
      logLevel: 'silent' as const,
      l2: false,
      store: cluster.current.url,
      redisPrefix: createTestPrefix('consistency'),
    };
    const gateways = [await startGateway(options), await startGateway(options)];
    try {
      const outcome = await staleHitsOfHotEntry(gateways, upstream, 300, 2);
      expect(outcome.stale).toEqual([]);
      expect(outcome.servedBefore).toContain('HIT_L1');
      expect(outcome.served).toContain('HIT_L1');
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await upstream.close();
    }
  }, 30_000);
});

describe.each([100, 300])(
  'readers sending the new dep hash after /v1/invalidate answered ok (upstream %i ms)',
  (latencyMs) => {
    let upstream: VersionedUpstream;

    beforeAll(async () => {
      upstream = await startVersionedUpstream(latencyMs);
    });
    afterAll(() => upstream.close());

    /** The readers at one layer: L1 asks one wording, L2 near-duplicates of it. */
    const layers = [
      { layer: 'L1', l2: false, wording: SAME_WORDING, hit: 'HIT_L1' },
      { layer: 'L2', l2: true, wording: NEAR_DUPLICATE_WORDING, hit: 'HIT_L2' },
    ];

    it.each(layers)(
      'get no pre-invalidation answer at $layer from one memory instance',
      async ({ l2, wording, hit }) => {
        await using gateway = await startGateway({
          upstream: upstream.url,
          jwtSecret: SECRET,
          logLevel: 'silent',
          l2,
        });
        const outcome = await staleAnswersAfterInvalidation(
          [gateway],
          upstream,
          latencyMs,
          4,
          wording,
        );
        expect(outcome.stale).toEqual([]);
        // Readers were served from the cache layer under test, so its answers were the ones checked.
        expect(outcome.served).toContain(hit);
      },
      30_000,
    );

    it.skipIf(!redisAvailable).each(layers)(
      'get no pre-invalidation answer at $layer from two instances on one Redis',
      async ({ l2, wording, hit }) => {
        const prefix = createTestPrefix('consistency');
        const options = {
          upstream: upstream.url,
          jwtSecret: SECRET,
          logLevel: 'silent' as const,
          l2,
          store: TEST_REDIS_URL,
          redisPrefix: prefix,
        };
        const gateways = [await startGateway(options), await startGateway(options)];
        try {
          const outcome = await staleAnswersAfterInvalidation(
            gateways,
            upstream,
            latencyMs,
            4,
            wording,
          );
          expect(outcome.stale).toEqual([]);
          expect(outcome.served).toContain(hit);
        } finally {
          await Promise.all(gateways.map((gateway) => gateway.close()));
          await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
        }
      },
      30_000,
    );

    it.skipIf(!redisAvailable)(
      'serve no hot entry held before the invalidation from two instances on one Redis',
      async () => {
        const prefix = createTestPrefix('consistency');
        const options = {
          upstream: upstream.url,
          jwtSecret: SECRET,
          logLevel: 'silent' as const,
          l2: false,
          store: TEST_REDIS_URL,
          redisPrefix: prefix,
        };
        const gateways = [await startGateway(options), await startGateway(options)];
        try {
          const outcome = await staleHitsOfHotEntry(gateways, upstream, latencyMs, 3);
          expect(outcome.stale).toEqual([]);
          // Hits before the invalidation came from the copies held; after it, from the new entry.
          expect(outcome.servedBefore).toContain('HIT_L1');
          expect(outcome.served).toContain('HIT_L1');
        } finally {
          await Promise.all(gateways.map((gateway) => gateway.close()));
          await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
        }
      },
      30_000,
    );
  },
);

describe('an answer whose upstream call began before an invalidation', () => {
  let upstream: VersionedUpstream;
  beforeAll(async () => {
    upstream = await startVersionedUpstream(300);
  });
  afterAll(() => upstream.close());

  /**
   * Asks once with the old hash, invalidates while that call is upstream, and returns what the
   * caller got, the tenant's stored entries once it answered, and what a later request naming no
   * deps (a client that relies on invalidation alone) is answered.
   */
  async function answerAcrossInvalidation(gateways: Gateway[]) {
    const tenantId = `written-${Math.random().toString(36).slice(2)}`;
    const token = await createTenantToken({ secret: SECRET, tenantId });
    const prompt = 'What does the document say about notice periods?';
    const pending = ask(gateways[0]!, token, prompt, 'h0');
    await sleep(100);
    upstream.version += 1;
    await invalidateDoc(gateways[0]!, token, 'h1');
    const first = await pending;
    const stats = await fetch(`${gateways[0]!.url}/admin/tenants/${tenantId}/stats`, {
      headers: { authorization: 'Bearer consistency-admin' },
    });
    const { entries } = (await stats.json()) as { entries: number };
    const later = await Promise.all(
      gateways.map((gateway) => ask(gateway, token, prompt, undefined)),
    );
    return { first, entries, later };
  }

  it('is answered but not stored, on one memory instance', async () => {
    await using gateway = await startGateway({
      upstream: upstream.url,
      jwtSecret: SECRET,
      logLevel: 'silent',
      adminToken: 'consistency-admin',
    });
    const { first, entries, later } = await answerAcrossInvalidation([gateway]);
    expect(first).toMatchObject({ status: 200, cache: 'MISS' });
    expect(first.content).toMatch(/^v\d+: /);
    expect(entries).toBe(0);
    for (const answer of later) {
      expect(answer.cache).toBe('MISS');
      expect(answer.content.startsWith(`v${upstream.version}:`)).toBe(true);
    }
  });

  it.skipIf(!redisAvailable)(
    'is answered but not stored, on two instances on one Redis',
    async () => {
      const prefix = createTestPrefix('written');
      const options = {
        upstream: upstream.url,
        jwtSecret: SECRET,
        logLevel: 'silent' as const,
        adminToken: 'consistency-admin',
        store: TEST_REDIS_URL,
        redisPrefix: prefix,
      };
      const gateways = [await startGateway(options), await startGateway(options)];
      try {
        const { first, entries, later } = await answerAcrossInvalidation(gateways);
        expect(first).toMatchObject({ status: 200, cache: 'MISS' });
        expect(entries).toBe(0);
        for (const answer of later) {
          expect(answer.cache).toBe('MISS');
          expect(answer.content.startsWith(`v${upstream.version}:`)).toBe(true);
        }
      } finally {
        await Promise.all(gateways.map((gateway) => gateway.close()));
        await deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
      }
    },
  );
});
