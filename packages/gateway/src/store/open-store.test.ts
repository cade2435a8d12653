import { describe, expect, it } from 'vitest';
import { findStoreProblem } from './open-store';

describe('--store', () => {
  it('takes memory, a redis:// URL or a redis-cluster:// URL', () => {
    for (const url of [
      'memory',
      '',
      'redis://127.0.0.1:6379/0',
      'rediss://:secret@cache.internal:6380/2',
      'redis-cluster://10.0.0.5:7000,10.0.0.6:7000',
      'redis-cluster://cc:secret@10.0.0.5:7000',
    ]) {
      expect(findStoreProblem(url), url).toBeUndefined();
    }
  });

  it('says what is wrong with anything else, without showing a password', () => {
    expect(findStoreProblem('mongodb://127.0.0.1:27017')).toMatch(
      /^Unknown --store "mongodb:\/\/127\.0\.0\.1:27017": use "memory", a redis:\/\/ URL or a redis-cluster:\/\/ URL\.$/,
    );
    expect(findStoreProblem('redis-cluster://cc:hunter2@10.0.0.5:7000/3')).toBe(
      'Invalid --store: Invalid Redis Cluster URL "redis-cluster://cc:***@10.0.0.5:7000/3": ' +
        'expected redis-cluster://[user:password@]host:port[,host:port…].',
    );
    expect(findStoreProblem('redis-cluster://10.0.0.5:7000', 'cc{eu}:')).toMatch(
      /^Invalid --redis-prefix "cc\{eu\}:": on a Redis Cluster/,
    );
    // A single server takes any prefix.
    expect(findStoreProblem('redis://127.0.0.1:6379/0', 'cc{eu}:')).toBeUndefined();
  });
});
