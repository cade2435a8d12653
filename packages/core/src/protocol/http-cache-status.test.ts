import { describe, expect, it } from 'vitest';
import { formatHttpCacheStatus, parseHttpCacheStatus } from './http-cache-status';

describe('formatHttpCacheStatus', () => {
  it.each([
    [{ status: 'HIT_L1', ttlSeconds: 2940 }, 'Cachecore; hit; ttl=2940; detail=l1'],
    [{ status: 'HIT_L1_STALE', ttlSeconds: -42.6 }, 'Cachecore; hit; ttl=-42; detail=l1-stale'],
    [{ status: 'HIT_L2' }, 'Cachecore; hit; detail=l2'],
    [{ status: 'MISS', collapsed: true }, 'Cachecore; fwd=miss; collapsed'],
    [{ status: 'MISS', stored: true, ttlSeconds: 3000 }, 'Cachecore; fwd=miss; ttl=3000; stored'],
    [{ status: 'MISS', forwardReason: 'request' }, 'Cachecore; fwd=request'],
    [{ status: 'BYPASS' }, 'Cachecore; fwd=bypass'],
    [{ status: 'HIT_L1', ttlSeconds: Number.NaN }, 'Cachecore; hit; detail=l1'],
  ] as const)('writes %o as %s', (fields, expected) => {
    expect(formatHttpCacheStatus(fields)).toBe(expected);
  });
});

describe('parseHttpCacheStatus', () => {
  it('reads every parameter, booleans bare or as ?1 / ?0', () => {
    expect(parseHttpCacheStatus('Cachecore; fwd=miss; ttl=3000; stored=?1; collapsed=?0')).toEqual({
      status: 'MISS',
      ttlSeconds: 3000,
      collapsed: false,
      stored: true,
      forwardReason: 'miss',
      detail: null,
    });
  });

  it('takes the last Cachecore member, the one nearest the client', () => {
    expect(parseHttpCacheStatus('Cachecore; fwd=miss, Cachecore; hit; detail=l2')?.status).toBe(
      'HIT_L2',
    );
  });

  it('keeps quoted commas and semicolons inside their value', () => {
    expect(
      parseHttpCacheStatus('Other; detail="a, b; c", Cachecore; hit; detail="l1"'),
    ).toMatchObject({ status: 'HIT_L1', detail: 'l1' });
  });

  it('ignores a malformed ttl and never throws', () => {
    expect(parseHttpCacheStatus('Cachecore; hit; ttl=soon')?.ttlSeconds).toBeNull();
    expect(parseHttpCacheStatus('Cachecore; hit; ttl=1.5')?.ttlSeconds).toBeNull();
    for (const value of [undefined, null, '', ',,;;', '"', 'Cachecore;;;=', 42]) {
      expect(() => parseHttpCacheStatus(value as string)).not.toThrow();
    }
    expect(parseHttpCacheStatus('CDN; hit')).toBeNull();
  });
});
