import { describe, expect, it } from 'vitest';
import { formatHttpCacheStatus } from '../protocol/http-cache-status';
import { CACHE_STATUSES, CacheStatus, parseCacheStatus } from './cache-status';

describe('CacheStatus.fromHeaders', () => {
  it('reads every field from a Headers instance', () => {
    const status = CacheStatus.fromHeaders(
      new Headers({
        'X-Cache': 'HIT_L2',
        'X-Cache-Similarity': '0.94',
        'X-Cache-Age': '12',
        'X-CacheCore-Namespace-Hint': 'a1b2c3d4e5f6',
      }),
    );
    expect(status.toJSON()).toEqual({
      status: 'HIT_L2',
      similarity: 0.94,
      ageSeconds: 12,
      namespaceHint: 'a1b2c3d4e5f6',
      ttlSeconds: null,
      collapsed: false,
      isHit: true,
    });
  });

  it('is a plain-comparable value with isHit as an own property', () => {
    expect(
      CacheStatus.fromHeaders({
        'x-cache': 'HIT_L1',
        'x-cache-similarity': '1.0000',
        'x-cache-age': '5',
      }),
    ).toEqual({
      status: 'HIT_L1',
      similarity: 1,
      ageSeconds: 5,
      namespaceHint: null,
      ttlSeconds: null,
      collapsed: false,
      isHit: true,
    });
    expect({ ...CacheStatus.fromHeaders({ 'x-cache': 'MISS' }) }.isHit).toBe(false);
  });

  it('reads plain objects with any key casing, arrays of pairs and Response-like objects', () => {
    expect(
      CacheStatus.fromHeaders({ 'x-CACHE': 'hit_l1', 'X-CACHE-AGE': 3 }).toJSON(),
    ).toMatchObject({
      status: 'HIT_L1',
      ageSeconds: 3,
      isHit: true,
    });
    expect(CacheStatus.fromHeaders([['x-cache', 'MISS']]).status).toBe('MISS');
    expect(CacheStatus.fromHeaders({ 'x-cache': ['HIT_L1_STALE'] }).status).toBe('HIT_L1_STALE');
    expect(
      CacheStatus.fromHeaders(new Response(null, { headers: { 'x-cache': 'BYPASS' } })).status,
    ).toBe('BYPASS');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'HIT_L1'],
    ['an empty object', {}],
    [
      'an object whose get throws',
      {
        get: () => {
          throw new Error('boom');
        },
      },
    ],
    [
      'a proxy that throws on every access',
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('boom');
          },
          get: () => {
            throw new Error('boom');
          },
        },
      ),
    ],
  ])('never throws on %s and reports UNKNOWN', (_label, input) => {
    const status = parseCacheStatus(input);
    expect(status.toJSON()).toEqual({
      status: 'UNKNOWN',
      similarity: null,
      ageSeconds: null,
      namespaceHint: null,
      ttlSeconds: null,
      collapsed: false,
      isHit: false,
    });
  });

  it('treats unknown statuses as UNKNOWN and malformed numbers as null', () => {
    const status = parseCacheStatus({
      'x-cache': 'HIT_L3',
      'x-cache-similarity': 'high',
      'x-cache-age': '-4',
    });
    expect(status.status).toBe('UNKNOWN');
    expect(status.similarity).toBeNull();
    expect(status.ageSeconds).toBeNull();
    expect(
      parseCacheStatus({ 'x-cache-similarity': '1.7', 'x-cache-age': 'NaN' }).similarity,
    ).toBeNull();
    expect(parseCacheStatus({ 'x-cache-similarity': '' }).similarity).toBeNull();
  });

  it('is lenient about spacing and repeated headers', () => {
    const status = parseCacheStatus({
      'x-cache': '  miss , HIT_L1',
      'x-cache-similarity': ' 0.00 ',
      'x-cache-age': '0',
    });
    expect(status.status).toBe('MISS');
    expect(status.similarity).toBe(0);
    expect(status.ageSeconds).toBe(0);
    expect(status.isHit).toBe(false);
  });

  it('lists every status value', () => {
    expect(CACHE_STATUSES).toEqual([
      'HIT_L1',
      'HIT_L1_STALE',
      'HIT_L2',
      'MISS',
      'BYPASS',
      'UNKNOWN',
    ]);
  });
});

describe('the Cache-Status header (RFC 9211)', () => {
  it('wins over X-Cache and gives the freshness left and single-flight collapsing', () => {
    const status = CacheStatus.fromHeaders(
      new Headers({
        'Cache-Status': 'Cachecore; fwd=miss; collapsed',
        'X-Cache': 'MISS',
        'X-Cache-Similarity': '0.0000',
        'X-Cache-Age': '0',
      }),
    );
    expect(status.toJSON()).toEqual({
      status: 'MISS',
      similarity: 0,
      ageSeconds: 0,
      namespaceHint: null,
      ttlSeconds: null,
      collapsed: true,
      isHit: false,
    });
    const hit = parseCacheStatus({
      'cache-status': 'Cachecore; hit; ttl=2940; detail=l1',
      'x-cache': 'HIT_L1',
      'x-cache-age': '60',
    });
    expect(hit).toMatchObject({ status: 'HIT_L1', ttlSeconds: 2940, ageSeconds: 60, isHit: true });
  });

  it.each([
    ['Cachecore; hit; detail=l2', 'HIT_L2'],
    ['Cachecore; hit; ttl=-30; detail=l1-stale', 'HIT_L1_STALE'],
    ['Cachecore; hit; ttl=-30', 'HIT_L1_STALE'],
    ['Cachecore; fwd=bypass', 'BYPASS'],
    ['Cachecore; fwd=request; stored', 'MISS'],
    ['"cachecore"; HIT; DETAIL=L2', 'HIT_L2'],
    // Each cache appends its member; the gateway's is the one named Cachecore.
    ['Cachecore; hit; detail=l1, CDN; fwd=uri-miss', 'HIT_L1'],
    ['CDN; hit, Cachecore; fwd=miss', 'MISS'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseCacheStatus({ 'cache-status': value, 'x-cache': 'HIT_L2' }).status).toBe(expected);
  });

  it('falls back to X-Cache without a Cachecore member or with an unreadable one', () => {
    for (const value of ['CDN; hit', '', 'Cachecore', 'Cachecore; detail=l1']) {
      const status = parseCacheStatus({ 'cache-status': value, 'x-cache': 'HIT_L2' });
      expect(status.status, value).toBe('HIT_L2');
    }
    expect(parseCacheStatus({ 'x-cache': 'BYPASS' }).toJSON()).toMatchObject({
      status: 'BYPASS',
      ttlSeconds: null,
      collapsed: false,
    });
  });

  it('survives a JSON round trip, freshness and collapsing included', () => {
    const status = parseCacheStatus({
      'cache-status': 'Cachecore; hit; ttl=-12; detail=l1-stale',
      'x-cache-age': '3012',
    });
    const restored = CacheStatus.fromJSON(JSON.parse(JSON.stringify(status)));
    expect(restored).toEqual(status);
    const collapsed = parseCacheStatus({ 'cache-status': 'Cachecore; fwd=miss; collapsed' });
    expect(CacheStatus.fromJSON(JSON.parse(JSON.stringify(collapsed)))?.collapsed).toBe(true);
  });

  it('reads what the gateway formatter writes', () => {
    for (const [fields, status] of [
      [{ status: 'HIT_L1', ttlSeconds: 2940 }, 'HIT_L1'],
      [{ status: 'HIT_L1_STALE', ttlSeconds: -12 }, 'HIT_L1_STALE'],
      [{ status: 'HIT_L2', ttlSeconds: 10 }, 'HIT_L2'],
      [{ status: 'MISS', collapsed: true }, 'MISS'],
      [{ status: 'BYPASS' }, 'BYPASS'],
    ] as const) {
      const parsed = parseCacheStatus({ 'cache-status': formatHttpCacheStatus(fields) });
      expect(parsed.status).toBe(status);
      expect(parsed.ttlSeconds).toBe('ttlSeconds' in fields ? fields.ttlSeconds : null);
      expect(parsed.collapsed).toBe('collapsed' in fields);
    }
  });
});
