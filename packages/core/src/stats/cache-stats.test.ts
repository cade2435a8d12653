import { describe, expect, it } from 'vitest';
import { CacheStatus } from '../status/cache-status';
import { CacheStatsCounter } from './cache-stats';

const status = (value: string) => CacheStatus.fromHeaders({ 'x-cache': value });

describe('CacheStatsCounter', () => {
  it('starts with every total and the hit rate at 0', () => {
    const { stats } = new CacheStatsCounter();
    expect(Object.keys(stats)).toHaveLength(7);
    expect(Object.values(stats).every((value) => value === 0)).toBe(true);
  });

  it('counts each status and every hit layer towards the hit rate', () => {
    const counter = new CacheStatsCounter();
    for (const value of ['MISS', 'HIT_L1', 'HIT_L1_STALE', 'HIT_L2', 'BYPASS', 'not-cachecore']) {
      counter.record(status(value));
    }
    expect(counter.stats).toEqual({
      requests: 6,
      hitsL1: 1,
      hitsL1Stale: 1,
      hitsL2: 1,
      misses: 1,
      bypass: 1,
      hitRate: 0.5,
    });
  });

  it('returns a fresh object on each read and starts over after reset()', () => {
    const counter = new CacheStatsCounter();
    counter.record(status('HIT_L1'));
    const before = counter.stats;
    counter.record(status('MISS'));
    expect(before.requests).toBe(1);
    counter.reset();
    expect(counter.stats).toMatchObject({ requests: 0, hitsL1: 0, misses: 0, hitRate: 0 });
  });
});
