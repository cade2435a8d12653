import { describe, expect, it } from 'vitest';
import {
  formatRedisClusterUrl,
  maskRedisClusterUrl,
  parseRedisClusterUrl,
} from './redis-cluster-url';

describe('redis cluster URL', () => {
  it('reads seed nodes, a user and a password', () => {
    expect(parseRedisClusterUrl('redis-cluster://10.0.0.5:7000,10.0.0.6:7001')).toEqual({
      nodes: [
        { host: '10.0.0.5', port: 7000 },
        { host: '10.0.0.6', port: 7001 },
      ],
    });
    expect(parseRedisClusterUrl('redis-cluster://cc:p%40ss@cache:7000,[::1]/')).toEqual({
      nodes: [
        { host: 'cache', port: 7000 },
        { host: '::1', port: 6379 },
      ],
      username: 'cc',
      password: 'p@ss',
    });
    expect(parseRedisClusterUrl('redis-cluster://:secret@cache:7000/0')).toEqual({
      nodes: [{ host: 'cache', port: 7000 }],
      password: 'secret',
    });
  });

  it('refuses what is not a list of nodes, without showing the password', () => {
    for (const url of [
      'redis-cluster://',
      'redis-cluster://cache:7000/1',
      'redis-cluster://cache:70000',
      'redis-cluster://cache:7000,,cache:7001',
      'redis-cluster://cache:7000?tls=true',
    ]) {
      expect(() => parseRedisClusterUrl(url), url).toThrow(/Invalid Redis Cluster URL/);
    }
    expect(() => parseRedisClusterUrl('redis-cluster://cc:hunter2@cache:x')).toThrow(
      'redis-cluster://cc:***@cache:x',
    );
  });

  it('names nodes given as a list, and masks passwords for logs', () => {
    expect(
      formatRedisClusterUrl([
        { host: '10.0.0.5', port: 7000 },
        { host: '::1', port: 7001 },
      ]),
    ).toBe('redis-cluster://10.0.0.5:7000,[::1]:7001');
    expect(maskRedisClusterUrl('redis-cluster://:secret@a:1,b:2')).toBe(
      'redis-cluster://:***@a:1,b:2',
    );
    expect(maskRedisClusterUrl('redis-cluster://a:1,b:2')).toBe('redis-cluster://a:1,b:2');
  });
});
