import { describe, expect, it } from 'vitest';
import {
  formatAgeSeconds,
  formatCacheHeaders,
  formatSimilarity,
  parseAgeSeconds,
  parseCacheStatusValue,
  parseNamespaceHint,
  parseSimilarity,
} from './cache-headers';
import { CACHE_STATUSES, cacheTierOf, isHitStatus, WIRE_CACHE_STATUSES } from './cache-statuses';

describe('cache header formatting', () => {
  it.each([
    [0.9731, '0.9731'],
    [0.97312, '0.9731'],
    [1, '1.0000'],
    [0, '0.0000'],
    // Truncated, not rounded: only an identical entry reads 1.0000.
    [0.99996, '0.9999'],
    [0.87, '0.8700'],
    [1.5, '1.0000'],
    [-0.2, '0.0000'],
    [Number.NaN, '0.0000'],
  ])('writes similarity %d as %s', (similarity, text) => {
    expect(formatSimilarity(similarity)).toBe(text);
  });

  it('writes the age in whole, non-negative seconds', () => {
    expect(formatAgeSeconds(41.9)).toBe('41');
    expect(formatAgeSeconds(-3)).toBe('0');
    expect(formatAgeSeconds(Number.POSITIVE_INFINITY)).toBe('0');
  });

  it('writes the three headers under lower-case names', () => {
    expect(formatCacheHeaders({ status: 'HIT_L2', similarity: 0.9731, ageSeconds: 41.7 })).toEqual({
      'x-cache': 'HIT_L2',
      'x-cache-similarity': '0.9731',
      'x-cache-age': '41',
    });
  });

  it('reads back what it writes', () => {
    const headers = formatCacheHeaders({ status: 'HIT_L1_STALE', similarity: 1, ageSeconds: 3001 });
    expect(parseCacheStatusValue(headers['x-cache'])).toBe('HIT_L1_STALE');
    expect(parseSimilarity(headers['x-cache-similarity'])).toBe(1);
    expect(parseAgeSeconds(headers['x-cache-age'])).toBe(3001);
  });
});

describe('cache header parsing', () => {
  it('reads statuses leniently and anything else as UNKNOWN', () => {
    expect(parseCacheStatusValue(' hit_l2 ')).toBe('HIT_L2');
    expect(parseCacheStatusValue('MISS, HIT_L1')).toBe('MISS');
    expect(parseCacheStatusValue('HIT')).toBe('UNKNOWN');
    expect(parseCacheStatusValue(null)).toBe('UNKNOWN');
  });

  it('reads malformed numbers as null', () => {
    expect(parseSimilarity('0.9731')).toBe(0.9731);
    expect(parseSimilarity('1.01')).toBeNull();
    expect(parseSimilarity('abc')).toBeNull();
    expect(parseAgeSeconds('12.9')).toBe(12);
    expect(parseAgeSeconds('-1')).toBeNull();
    expect(parseAgeSeconds('')).toBeNull();
    expect(parseNamespaceHint('  ')).toBeNull();
    expect(parseNamespaceHint(' a1b2 ')).toBe('a1b2');
  });
});

describe('cache statuses', () => {
  it('counts the three HIT statuses as hits, and only them', () => {
    expect(CACHE_STATUSES.filter(isHitStatus)).toEqual(['HIT_L1', 'HIT_L1_STALE', 'HIT_L2']);
  });

  it('gives every wire status a tier and nothing else one', () => {
    expect(WIRE_CACHE_STATUSES.map(cacheTierOf)).toEqual([
      'l1',
      'l1',
      'l2',
      'upstream',
      'upstream',
    ]);
    expect(cacheTierOf('UNKNOWN')).toBeUndefined();
    expect(cacheTierOf('toString')).toBeUndefined();
  });
});
