import { describe, expect, it } from 'vitest';
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
      isHit: true,
    });
  });

  it('is a plain-comparable value with isHit as an own property', () => {
    expect(
      CacheStatus.fromHeaders({
        'x-cache': 'HIT_L1',
        'x-cache-similarity': '1.00',
        'x-cache-age': '5',
      }),
    ).toEqual({
      status: 'HIT_L1',
      similarity: 1,
      ageSeconds: 5,
      namespaceHint: null,
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
