import { describe, expect, it } from 'vitest';
import { CacheStatus } from './cache-status';

describe('CacheStatus.fromJSON', () => {
  it('rebuilds a status that went through JSON, isHit included', () => {
    const original = CacheStatus.fromHeaders({
      'x-cache': 'HIT_L2',
      'x-cache-similarity': '0.93',
      'x-cache-age': '42',
      'x-cachecore-namespace-hint': 'abcdef012345',
    });
    const restored = CacheStatus.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(restored).toBeInstanceOf(CacheStatus);
    expect(restored).toEqual(original);
    expect(restored?.isHit).toBe(true);
  });

  it('returns a CacheStatus as it is', () => {
    const status = CacheStatus.fromHeaders({ 'x-cache': 'MISS' });
    expect(CacheStatus.fromJSON(status)).toBe(status);
  });

  it('reads unknown statuses and malformed fields leniently', () => {
    expect(
      CacheStatus.fromJSON({ status: 'HIT_L9', similarity: 7, ageSeconds: '3', isHit: true }),
    ).toEqual(
      new CacheStatus({
        status: 'UNKNOWN',
        similarity: null,
        ageSeconds: null,
        namespaceHint: null,
      }),
    );
    expect(
      CacheStatus.fromJSON({ status: 'hit_l1', similarity: 1, ageSeconds: 2.7 }),
    ).toMatchObject({ status: 'HIT_L1', similarity: 1, ageSeconds: 2, isHit: true });
  });

  it('returns undefined for values that are not status-shaped', () => {
    for (const value of [undefined, null, 'HIT_L1', 42, {}, { status: 1 }]) {
      expect(CacheStatus.fromJSON(value)).toBeUndefined();
    }
  });
});
