import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CachecoreError } from '../errors/cachecore-error';
import { Dep } from '../headers/dep';
import { getCacheContext, runWithCacheContext } from './cache-context';

const ids = () => getCacheContext()?.deps.map((dep) => `${dep.id}@${dep.hash}`);

describe('runWithCacheContext', () => {
  it('is undefined outside any scope and returns what the function returns', async () => {
    expect(getCacheContext()).toBeUndefined();
    const result = await runWithCacheContext({ deps: ['table:a'] }, async () => {
      await delay(1);
      return ids();
    });
    expect(result).toEqual(['table:a@v1']);
    expect(getCacheContext()).toBeUndefined();
  });

  it('lets a nested scope override field by field and restores the outer scope after it', async () => {
    await runWithCacheContext(
      { deps: ['outer', new Dep('shared', { hash: 'h1' })], bypass: true },
      async () => {
        await runWithCacheContext({ deps: ['inner'] }, async () => {
          await delay(1);
          // Deps are replaced, not merged; bypass is inherited because it was not given.
          expect(getCacheContext()).toEqual({ deps: [new Dep('inner')], bypass: true });
        });
        await runWithCacheContext({ bypass: false }, () => {
          expect(getCacheContext()?.bypass).toBe(false);
          expect(ids()).toEqual(['outer@v1', 'shared@h1']);
        });
        await delay(1);
        expect(getCacheContext()?.bypass).toBe(true);
        expect(ids()).toEqual(['outer@v1', 'shared@h1']);
      },
    );
  });

  it('keeps 200 concurrent scopes apart across awaits', async () => {
    const seen = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        runWithCacheContext({ deps: [`dep:${index}`] }, async () => {
          await delay(index % 7);
          const first = ids();
          await delay((index * 3) % 5);
          return [first, ids()];
        }),
      ),
    );
    seen.forEach(([first, second], index) => {
      expect(first).toEqual([`dep:${index}@v1`]);
      expect(second).toEqual([`dep:${index}@v1`]);
    });
  });

  it('validates options before running the function', () => {
    let ran = false;
    const run = () => runWithCacheContext({ deps: [''] }, () => (ran = true));
    expect(run).toThrow(CachecoreError);
    expect(run).toThrow(/empty/);
    expect(() => runWithCacheContext({ bypass: 'yes' as never }, () => (ran = true))).toThrow(
      /bypass/,
    );
    expect(ran).toBe(false);
  });

  it('shares one scope between copies of the package through a versioned global key', () => {
    runWithCacheContext({ deps: ['table:shared'] }, () => {
      const storage = (globalThis as Record<symbol, { getStore(): { deps: Dep[] } }>)[
        Symbol.for('@cachecore/core/context@1')
      ];
      expect(storage?.getStore().deps.map((dep) => dep.id)).toEqual(['table:shared']);
    });
  });

  it('reports the cache directives in effect, inherited by nested scopes and replaced as a whole', () => {
    runWithCacheContext({ cacheControl: { noStore: true } }, () => {
      expect(getCacheContext()?.cacheControl).toEqual({ noStore: true });
      runWithCacheContext({ deps: ['inner'] }, () => {
        expect(getCacheContext()?.cacheControl).toEqual({ noStore: true });
      });
      runWithCacheContext({ cacheControl: { maxAgeSeconds: 30 } }, () => {
        expect(getCacheContext()?.cacheControl).toEqual({ maxAgeSeconds: 30 });
      });
    });
    runWithCacheContext({ deps: ['plain'] }, () => {
      expect(getCacheContext()).not.toHaveProperty('cacheControl');
    });
    expect(() => runWithCacheContext({ cacheControl: { ttlSeconds: 0 } }, () => 1)).toThrow(
      CachecoreError,
    );
  });
});
