import { describe, expect, it } from 'vitest';
import { runWithCacheContext } from '../context/cache-context';
import { CachecoreError } from '../errors/cachecore-error';
import { Dep } from '../headers/dep';
import { resolveCacheOptions } from './resolve-cache-options';

describe('resolveCacheOptions', () => {
  it('fills every field with the default outside a scope', () => {
    expect(resolveCacheOptions(undefined)).toEqual({ deps: [], bypass: false, cacheControl: {} });
    expect(resolveCacheOptions({ deps: ['doc:1'] })).toEqual({
      deps: [new Dep('doc:1')],
      bypass: false,
      cacheControl: {},
    });
  });

  it('takes what the call leaves out from the scope, field by field', () => {
    runWithCacheContext({ deps: ['table:scope'], bypass: true }, () => {
      expect(resolveCacheOptions(undefined)).toMatchObject({
        deps: [new Dep('table:scope')],
        bypass: true,
      });
      expect(resolveCacheOptions({ bypass: false })).toMatchObject({
        deps: [new Dep('table:scope')],
        bypass: false,
      });
      expect(resolveCacheOptions({ deps: ['table:call'], bypass: undefined })).toMatchObject({
        deps: [new Dep('table:call')],
        bypass: true,
      });
    });
  });

  it('replaces the scope deps instead of merging them, and an empty list means none', () => {
    runWithCacheContext({ deps: ['table:scope'] }, () => {
      expect(resolveCacheOptions({ deps: ['table:call'] }).deps).toEqual([new Dep('table:call')]);
      expect(resolveCacheOptions({ deps: [] }).deps).toEqual([]);
    });
  });

  it("takes the cache directives of the scope, or the call's as a whole", () => {
    runWithCacheContext({ cacheControl: { noStore: true, ttlSeconds: 60 } }, () => {
      expect(resolveCacheOptions(undefined).cacheControl).toEqual({
        noStore: true,
        ttlSeconds: 60,
      });
      expect(resolveCacheOptions({ cacheControl: { noCache: true } }).cacheControl).toEqual({
        noCache: true,
      });
      expect(resolveCacheOptions({ cacheControl: {} }).cacheControl).toEqual({});
    });
  });

  it('resolves against a given scope rather than the current one', () => {
    const scope = { deps: [new Dep('row:1', { hash: 'h2' })], bypass: false };
    expect(resolveCacheOptions({ bypass: true }, scope)).toEqual({
      deps: scope.deps,
      bypass: true,
      cacheControl: {},
    });
  });

  it('passes fields it does not know through, so new per-request options resolve the same way', () => {
    const resolved = resolveCacheOptions(
      { future: 'call' } as never,
      {
        deps: [],
        bypass: false,
        other: 'scope',
      } as never,
    ) as unknown as Record<string, unknown>;
    expect(resolved).toMatchObject({ future: 'call', other: 'scope' });
  });

  it('throws a CachecoreError for invalid deps, bypass or options before any request', () => {
    expect(() => resolveCacheOptions({ deps: [''] })).toThrow(CachecoreError);
    expect(() => resolveCacheOptions({ deps: [''] })).toThrow(
      expect.objectContaining({ code: 'invalid_deps' }),
    );
    expect(() => resolveCacheOptions({ bypass: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'invalid_bypass' }),
    );
    expect(() => resolveCacheOptions('deps' as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
