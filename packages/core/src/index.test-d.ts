import { describe, expectTypeOf, it } from 'vitest';
import {
  CACHE_STATUSES,
  type CacheControlOptions,
  CachecoreClient,
  type CachecoreError,
  CachecoreRateLimitError,
  CacheStatus,
  type CacheStatusValue,
  cachecoreHeaders,
  Dep,
  getCacheContext,
  type InvalidateResult,
  type InvalidateSuccess,
  normalizeDeps,
  runWithCacheContext,
} from './index';

const cc = new CachecoreClient({ gatewayUrl: 'https://gateway.cachecore.it', tenantJwt: 'eyJ' });

describe('public types', () => {
  it('exposes the transport as a drop-in fetch', () => {
    expectTypeOf(cc.fetch).toEqualTypeOf<typeof globalThis.fetch>();
    expectTypeOf(cc.baseURL).toBeString();
    expectTypeOf(cc.gatewayUrl).toBeString();
  });

  it('returns what the scoped function returns', () => {
    expectTypeOf(cc.requestContext({ deps: ['a', new Dep('b')] }, async () => 42)).toEqualTypeOf<
      Promise<number>
    >();
    expectTypeOf(runWithCacheContext({ bypass: true }, () => 'sync')).toEqualTypeOf<string>();
    // @ts-expect-error deps must be Dep or string
    runWithCacheContext({ deps: [42] }, () => undefined);
  });

  it('types scopes, headers and deps', () => {
    expectTypeOf(getCacheContext()).toEqualTypeOf<
      | {
          readonly deps: readonly Dep[];
          readonly bypass: boolean;
          readonly cacheControl?: Readonly<CacheControlOptions>;
        }
      | undefined
    >();
    expectTypeOf(cachecoreHeaders({ deps: ['a'], bypass: true })).toEqualTypeOf<
      Record<string, string>
    >();
    expectTypeOf(cc.headers).returns.toEqualTypeOf<Record<string, string>>();
    expectTypeOf(normalizeDeps(['a'])).toEqualTypeOf<Dep[]>();
    expectTypeOf(new Dep('a', { hash: 'v2' }).hash).toBeString();
  });

  it('types invalidation results as a discriminated union', async () => {
    expectTypeOf(cc.invalidate('a', { newHash: 'v2' })).toEqualTypeOf<Promise<InvalidateSuccess>>();
    const [result] = await cc.invalidateMany(['a']);
    expectTypeOf(result!).toEqualTypeOf<InvalidateResult>();
    if (result && !result.ok) expectTypeOf(result.error).toEqualTypeOf<CachecoreError>();
    if (result?.ok) expectTypeOf(result.keysDeleted).toBeNumber();
  });

  it('types cache statuses and errors', () => {
    const status = CacheStatus.fromHeaders(new Headers());
    expectTypeOf(status.status).toEqualTypeOf<CacheStatusValue>();
    expectTypeOf(status.similarity).toEqualTypeOf<number | null>();
    expectTypeOf(status.ageSeconds).toEqualTypeOf<number | null>();
    expectTypeOf(status.isHit).toBeBoolean();
    expectTypeOf<CacheStatusValue>().toEqualTypeOf<
      'HIT_L1' | 'HIT_L1_STALE' | 'HIT_L2' | 'MISS' | 'BYPASS' | 'UNKNOWN'
    >();
    expectTypeOf(CACHE_STATUSES).toExtend<readonly CacheStatusValue[]>();
    const error: unknown = null;
    if (CachecoreRateLimitError.isInstance(error)) {
      expectTypeOf(error.retryAfter).toEqualTypeOf<number | null>();
      expectTypeOf(error.code).toBeString();
    }
    expectTypeOf<CachecoreError['status']>().toEqualTypeOf<number | undefined>();
  });
});
