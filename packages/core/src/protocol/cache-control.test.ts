import { describe, expect, it } from 'vitest';
import { formatCacheControl, parseCacheControl, validateCacheControl } from './cache-control';

describe('formatCacheControl', () => {
  it('writes the directives in a fixed order', () => {
    expect(
      formatCacheControl({ ttlSeconds: 600, noCache: true, noStore: true, maxAgeSeconds: 0 }),
    ).toBe('no-store, no-cache, max-age=0, cachecore-ttl=600');
    expect(formatCacheControl({ noStore: false })).toBe('');
    expect(formatCacheControl({})).toBe('');
  });

  it('is read back as written', () => {
    const options = { noCache: true, maxAgeSeconds: 30, ttlSeconds: 90 };
    expect(parseCacheControl(formatCacheControl(options))).toEqual({ noStore: false, ...options });
  });
});

describe('validateCacheControl', () => {
  it('accepts the known options', () => {
    expect(validateCacheControl({})).toBeNull();
    expect(
      validateCacheControl({ noStore: true, noCache: false, maxAgeSeconds: 0, ttlSeconds: 1 }),
    ).toBeNull();
    expect(validateCacheControl({ ttlSeconds: undefined })).toBeNull();
  });

  it.each([
    ['a non-object', 'no-store', /expected an object/],
    ['null', null, /expected an object/],
    ['a typo', { noStor: true }, /unknown option "noStor"/],
    ['a string flag', { noCache: 'yes' }, /"noCache" must be true or false, got "yes"/],
    [
      'a fractional max-age',
      { maxAgeSeconds: 1.5 },
      /"maxAgeSeconds" must be a whole number of seconds ≥ 0, got 1.5/,
    ],
    ['a negative max-age', { maxAgeSeconds: -1 }, /≥ 0, got -1/],
    ['a zero TTL', { ttlSeconds: 0 }, /"ttlSeconds" must be a whole number of seconds ≥ 1, got 0/],
    ['an infinite TTL', { ttlSeconds: Number.POSITIVE_INFINITY }, /"ttlSeconds"/],
    ['a string TTL', { ttlSeconds: '60' }, /got "60"/],
  ])('names the problem of %s', (_label, options, problem) => {
    expect(validateCacheControl(options)).toMatch(problem);
  });
});

describe('parseCacheControl', () => {
  it('reads directives with any casing, spacing and quoting, ignoring unknown ones', () => {
    expect(
      parseCacheControl(' No-Store ,NO-CACHE, max-age="60", cachecore-ttl=600, private'),
    ).toEqual({
      noStore: true,
      noCache: true,
      maxAgeSeconds: 60,
      ttlSeconds: 600,
    });
  });

  it('joins repeated headers and keeps the smallest duration', () => {
    expect(
      parseCacheControl(['max-age=60', 'max-age=10, cachecore-ttl=90, cachecore-ttl=30']),
    ).toEqual({
      noStore: false,
      noCache: false,
      maxAgeSeconds: 10,
      ttlSeconds: 30,
    });
  });

  it('ignores malformed durations and never throws', () => {
    expect(parseCacheControl('max-age=-1, cachecore-ttl=1e3, max-age')).toEqual({
      noStore: false,
      noCache: false,
      maxAgeSeconds: null,
      ttlSeconds: null,
    });
    expect(parseCacheControl('cachecore-ttl=0').ttlSeconds).toBeNull();
    for (const value of [undefined, null, '', ',,,', '"unterminated', 42]) {
      expect(() => parseCacheControl(value as string)).not.toThrow();
    }
  });
});
